import type { TranslatorClientOptions } from '@sim2real/client';
import { DATASET_PATTERN, type NatsAuthOptions, type StreamLimits } from '@sim2real/messaging';
import { type Logger, createLogger } from '@sim2real/telemetry';
import { AdapterConfigError } from './errors.js';

/** One dataset → model route. */
export interface Route {
  readonly dataset: string;
  /** `name` or `name@version` as the translator resolves it. */
  readonly model: string;
}

/** TLS and token of the translator channel. */
export type TranslatorAccess = Pick<TranslatorClientOptions, 'tls' | 'token'>;

/** Limits of the three streams (see StreamLimits for what each means and its default). */
export type StreamOptions = Partial<StreamLimits>;

/** Output encoding asked of the translator; `same` keeps each batch's input encoding (PNG when unspecified). */
export type OutputEncodingChoice = 'same' | 'png' | 'jpeg' | 'raw';

/** Options of `createAdapter`; every field but the connection targets and routes has a default. */
export interface AdapterOptions {
  /** NATS server URL(s). */
  readonly natsServers: string | readonly string[];
  /** NATS credentials and TLS. @default none */
  readonly natsAuth?: NatsAuthOptions;
  /**
   * Translator gRPC target: `host:port`, `dns:///host:port` (every address the name resolves to, e.g. a headless
   * Service; calls spread with round_robin) or `ipv4:a:port,b:port`.
   */
  readonly translatorAddress: string;
  /**
   * TLS (the translator's CA, and a client certificate for mTLS) and bearer token of the translator channel, as
   * `readTranslatorAccess` of `@sim2real/client` reads them from `--translator-ca`, `--token-file`, ... @default plaintext, no token
   */
  readonly translatorAccess?: TranslatorAccess;
  /** Long-lived TranslateStreams per model; round_robin puts each on the next replica, so match the replica count. @default 1 */
  readonly translatorStreams?: number;
  readonly routes: readonly Route[];
  /** Batches being processed at once per route; also the consumer's MaxAckPending and pull size (the backpressure). @default 4 */
  readonly maxBatchesInFlight?: number;
  /** Consumer AckWait; in-progress acks are sent every third of it while a batch is translated. @default 30000 */
  readonly ackWaitMs?: number;
  /** Deliveries before a batch goes to the dead subject. @default 10 */
  readonly maxDeliver?: number;
  /** First redelivery delay after a transient failure; doubles per delivery. @default 1000 */
  readonly retryBaseDelayMs?: number;
  /** @default 30000 */
  readonly retryMaxDelayMs?: number;
  /**
   * How long a batch may wait for the translator while its stream answers nothing (a translator busy with a backlog
   * keeps answering other batches) before it is released for a later retry. @default 60000
   */
  readonly translateTimeoutMs?: number;
  /** First gRPC reconnection backoff after the translator's connection failed. @default 200 */
  readonly reconnectBaseDelayMs?: number;
  /** @default 10000 */
  readonly reconnectMaxDelayMs?: number;
  /** Circuit breaker: pause after the translator was first found unavailable; doubles per failed probe. @default 500 */
  readonly breakerBaseDelayMs?: number;
  /** @default 15000 */
  readonly breakerMaxDelayMs?: number;
  /** Each pause is multiplied by a random factor in [1 - jitter, 1 + jitter]. @default 0.3 */
  readonly breakerJitter?: number;
  /** Images per TranslateRequest at most (the translator's maxImagesPerRequest); larger batches are split. @default 64 */
  readonly maxImagesPerRequest?: number;
  /** Image bytes per TranslateRequest at most (under the translator's receive limit); larger batches are split. @default 3145728 (3 MiB) */
  readonly maxRequestBytes?: number;
  /** Requests of one split batch on the wire at once. @default 4 */
  readonly requestsInFlightPerBatch?: number;
  /** gRPC keepalive ping interval on the translator channel. @default 10000 */
  readonly keepaliveTimeMs?: number;
  /** A keepalive ping unanswered for this long drops the connection (its requests wait for the translator). @default 5000 */
  readonly keepaliveTimeoutMs?: number;
  /** gRPC receive limit for translator responses. @default 33554432 (32 MiB) */
  readonly maxReceiveMessageBytes?: number;
  /** On stop, how long in-flight batches may finish before they are released (nak). @default 20000 */
  readonly stopTimeoutMs?: number;
  /** @default 'same' */
  readonly outputEncoding?: OutputEncodingChoice;
  /** How often consumer lag is read for the metrics. @default 5000 */
  readonly lagPollIntervalMs?: number;
  readonly streams?: StreamOptions;
  /** @default JSON lines on stderr */
  readonly logger?: Logger;
}

/** Resolved adapter configuration (units in names). */
export interface AdapterConfig {
  readonly natsServers: string[];
  readonly natsAuth: NatsAuthOptions;
  readonly translatorAddress: string;
  readonly translatorAccess: TranslatorAccess;
  readonly translatorStreams: number;
  readonly routes: readonly Route[];
  readonly maxBatchesInFlight: number;
  readonly ackWaitMs: number;
  readonly workingIntervalMs: number;
  readonly maxDeliver: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly translateTimeoutMs: number;
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly breakerBaseDelayMs: number;
  readonly breakerMaxDelayMs: number;
  readonly breakerJitter: number;
  readonly maxImagesPerRequest: number;
  readonly maxRequestBytes: number;
  readonly requestsInFlightPerBatch: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxReceiveMessageBytes: number;
  readonly stopTimeoutMs: number;
  readonly outputEncoding: OutputEncodingChoice;
  readonly lagPollIntervalMs: number;
  readonly streams: StreamLimits;
  readonly logger: Logger;
}

/** Prints one JSON line per event on stderr. */
export const jsonLineLogger: Logger = createLogger({ service: 'dataset-adapter', stream: process.stderr });

const HOST_PORT = String.raw`[^:\s/,]+:\d+`;
/** `host:port`, `dns:///host:port`, `dns://resolver:53/host:port`, `ipv4:a:port[,b:port]`. */
const TRANSLATOR_TARGET = new RegExp(`^(?:(?:dns:(?://[^/\\s]*/)?)?${HOST_PORT}|ipv4:${HOST_PORT}(?:,${HOST_PORT})*)$`);

/** Parses `DATASET=MODEL[@VERSION]`. Throws AdapterConfigError. */
export function parseRoute(text: string): Route {
  const match = /^([^=]+)=(.+)$/.exec(text.trim());
  if (!match) throw new AdapterConfigError(`Route "${text}" is not DATASET=MODEL[@VERSION].`, 'routes');
  return { dataset: match[1]!, model: match[2]! };
}

/** Applies defaults and validates. Throws AdapterConfigError with one sentence. */
export function resolveAdapterConfig(options: AdapterOptions): AdapterConfig {
  const natsServers = typeof options.natsServers === 'string' ? [options.natsServers] : [...options.natsServers];
  if (natsServers.length === 0) throw new AdapterConfigError('At least one NATS server URL is needed.', 'natsServers');
  if (!TRANSLATOR_TARGET.test(options.translatorAddress)) {
    throw new AdapterConfigError(
      `Translator address "${options.translatorAddress}" is not HOST:PORT, dns:///HOST:PORT or ipv4:ADDR:PORT[,ADDR:PORT].`,
      'translatorAddress',
    );
  }
  if (options.routes.length === 0) throw new AdapterConfigError('At least one route DATASET=MODEL is needed.', 'routes');
  const seen = new Set<string>();
  for (const route of options.routes) {
    if (!DATASET_PATTERN.test(route.dataset)) {
      throw new AdapterConfigError(`Dataset "${route.dataset}" must be letters, digits, "_" or "-" (one subject token).`, 'routes');
    }
    if (!/^[^@\s]+(@[^@\s]+)?$/.test(route.model)) {
      throw new AdapterConfigError(`Model "${route.model}" of dataset "${route.dataset}" is not NAME[@VERSION].`, 'routes');
    }
    if (seen.has(route.dataset)) throw new AdapterConfigError(`Dataset "${route.dataset}" is routed twice.`, 'routes');
    seen.add(route.dataset);
  }
  const ackWaitMs = positiveInt(options.ackWaitMs ?? 30_000, 'ackWaitMs');
  const streams = options.streams ?? {};
  const breakerJitter = options.breakerJitter ?? 0.3;
  if (!(breakerJitter >= 0 && breakerJitter < 1)) throw new AdapterConfigError(`breakerJitter must be in [0, 1), got ${breakerJitter}.`, 'breakerJitter');
  return {
    natsServers,
    natsAuth: options.natsAuth ?? {},
    translatorAddress: options.translatorAddress,
    translatorAccess: options.translatorAccess ?? {},
    translatorStreams: positiveInt(options.translatorStreams ?? 1, 'translatorStreams'),
    routes: options.routes,
    maxBatchesInFlight: positiveInt(options.maxBatchesInFlight ?? 4, 'maxBatchesInFlight'),
    ackWaitMs,
    workingIntervalMs: Math.max(100, Math.floor(ackWaitMs / 3)),
    maxDeliver: positiveInt(options.maxDeliver ?? 10, 'maxDeliver'),
    retryBaseDelayMs: positiveInt(options.retryBaseDelayMs ?? 1000, 'retryBaseDelayMs'),
    retryMaxDelayMs: positiveInt(options.retryMaxDelayMs ?? 30_000, 'retryMaxDelayMs'),
    translateTimeoutMs: positiveInt(options.translateTimeoutMs ?? 60_000, 'translateTimeoutMs'),
    reconnectBaseDelayMs: positiveInt(options.reconnectBaseDelayMs ?? 200, 'reconnectBaseDelayMs'),
    reconnectMaxDelayMs: positiveInt(options.reconnectMaxDelayMs ?? 10_000, 'reconnectMaxDelayMs'),
    breakerBaseDelayMs: positiveInt(options.breakerBaseDelayMs ?? 500, 'breakerBaseDelayMs'),
    breakerMaxDelayMs: positiveInt(options.breakerMaxDelayMs ?? 15_000, 'breakerMaxDelayMs'),
    breakerJitter,
    maxImagesPerRequest: positiveInt(options.maxImagesPerRequest ?? 64, 'maxImagesPerRequest'),
    maxRequestBytes: positiveInt(options.maxRequestBytes ?? 3 * 1024 * 1024, 'maxRequestBytes'),
    requestsInFlightPerBatch: positiveInt(options.requestsInFlightPerBatch ?? 4, 'requestsInFlightPerBatch'),
    keepaliveTimeMs: positiveInt(options.keepaliveTimeMs ?? 10_000, 'keepaliveTimeMs'),
    keepaliveTimeoutMs: positiveInt(options.keepaliveTimeoutMs ?? 5000, 'keepaliveTimeoutMs'),
    maxReceiveMessageBytes: positiveInt(options.maxReceiveMessageBytes ?? 32 * 1024 * 1024, 'maxReceiveMessageBytes'),
    stopTimeoutMs: positiveInt(options.stopTimeoutMs ?? 20_000, 'stopTimeoutMs'),
    outputEncoding: options.outputEncoding ?? 'same',
    lagPollIntervalMs: positiveInt(options.lagPollIntervalMs ?? 5000, 'lagPollIntervalMs'),
    streams: {
      duplicateWindowMs: positiveInt(streams.duplicateWindowMs ?? 600_000, 'streams.duplicateWindowMs'),
      maxAgeMs: positiveInt(streams.maxAgeMs ?? 7 * 24 * 3600_000, 'streams.maxAgeMs'),
      deadMaxAgeMs: positiveInt(streams.deadMaxAgeMs ?? 30 * 24 * 3600_000, 'streams.deadMaxAgeMs'),
      maxBytes: streams.maxBytes ?? -1,
      replicas: positiveInt(streams.replicas ?? 1, 'streams.replicas'),
    },
    logger: options.logger ?? jsonLineLogger,
  };
}

function positiveInt(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AdapterConfigError(`${option} must be a positive integer, got ${value}.`, option);
  }
  return value;
}
