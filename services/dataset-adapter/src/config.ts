import { z } from 'zod';
import { choice, integer, parseConfig, real, sentence } from '@sim2real/config';
import type { TranslatorClientOptions } from '@sim2real/client';
import { DATASET_PATTERN, DEFAULT_STREAM_LIMITS, type NatsAuthOptions, type StreamLimits } from '@sim2real/messaging';
import { type Logger, createLogger, isLogger } from '@sim2real/telemetry';
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

const OUTPUT_ENCODINGS = ['same', 'png', 'jpeg', 'raw'] as const;
/** Output encoding asked of the translator; `same` keeps each batch's input encoding (PNG when unspecified). */
export type OutputEncodingChoice = (typeof OUTPUT_ENCODINGS)[number];

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

const positive = integer(1);

/** Options of `createAdapter`; every field but the connection targets and routes has a default. */
const adapterSchema = z
  .object({
    /** NATS server URL(s). */
    natsServers: z
      .union([z.string(), z.array(z.string()).readonly()], { error: 'must be a URL or a list of URLs' })
      .transform((servers) => (typeof servers === 'string' ? [servers] : [...servers])),
    /** NATS credentials and TLS. Default: none. */
    natsAuth: z.custom<NatsAuthOptions>((value) => typeof value === 'object' && value !== null, { error: 'must be an object' }).default(() => ({})),
    /**
     * Translator gRPC target: `host:port`, `dns:///host:port` (every address the name resolves to, e.g. a headless
     * Service; calls spread with round_robin) or `ipv4:a:port,b:port`.
     */
    translatorAddress: z
      .string()
      .regex(TRANSLATOR_TARGET, { error: (issue) => `must be HOST:PORT, dns:///HOST:PORT or ipv4:ADDR:PORT[,ADDR:PORT], got "${String(issue.input)}"` }),
    /**
     * TLS (the translator's CA, and a client certificate for mTLS) and bearer token of the translator channel, as
     * `readTranslatorAccess` of `@sim2real/client` reads them from `--translator-ca`, `--token-file`, ... Default: plaintext, no token.
     */
    translatorAccess: z.custom<TranslatorAccess>((value) => typeof value === 'object' && value !== null, { error: 'must be an object' }).default(() => ({})),
    /** Long-lived TranslateStreams per model; round_robin puts each on the next replica, so match the replica count. */
    translatorStreams: positive.default(1),
    /** Dataset → model routes; at least one. */
    routes: z.array(z.object({ dataset: z.string(), model: z.string() }).readonly()).readonly(),
    /** Batches being processed at once per route; also the consumer's MaxAckPending and pull size (the backpressure). */
    maxBatchesInFlight: positive.default(4),
    /** Consumer AckWait; in-progress acks are sent every third of it while a batch is translated. */
    ackWaitMs: positive.default(30_000),
    /** Deliveries before a batch goes to the dead subject. */
    maxDeliver: positive.default(10),
    /** First redelivery delay after a transient failure; doubles per delivery. */
    retryBaseDelayMs: positive.default(1000),
    /** Cap of the redelivery delay. */
    retryMaxDelayMs: positive.default(30_000),
    /**
     * How long a batch may wait for the translator while its stream answers nothing (a translator busy with a backlog
     * keeps answering other batches) before it is released for a later retry.
     */
    translateTimeoutMs: positive.default(60_000),
    /** First gRPC reconnection backoff after the translator's connection failed. */
    reconnectBaseDelayMs: positive.default(200),
    /** Cap of the reconnection backoff. */
    reconnectMaxDelayMs: positive.default(10_000),
    /** Circuit breaker: pause after the translator was first found unavailable; doubles per failed probe. */
    breakerBaseDelayMs: positive.default(500),
    /** Cap of the circuit breaker's pause. */
    breakerMaxDelayMs: positive.default(15_000),
    /** Each pause is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
    breakerJitter: real(0, 1, { maxExclusive: true }).default(0.3),
    /** Images per TranslateRequest at most (the translator's maxImagesPerRequest); larger batches are split. */
    maxImagesPerRequest: positive.default(64),
    /** Image bytes per TranslateRequest at most (under the translator's receive limit; 3 MiB); larger batches are split. */
    maxRequestBytes: positive.default(3 * 1024 * 1024),
    /** Requests of one split batch on the wire at once. */
    requestsInFlightPerBatch: positive.default(4),
    /** gRPC keepalive ping interval on the translator channel. */
    keepaliveTimeMs: positive.default(10_000),
    /** A keepalive ping unanswered for this long drops the connection (its requests wait for the translator). */
    keepaliveTimeoutMs: positive.default(5000),
    /** gRPC receive limit for translator responses, in bytes (32 MiB). */
    maxReceiveMessageBytes: positive.default(32 * 1024 * 1024),
    /** On stop, how long in-flight batches may finish before they are released (nak). */
    stopTimeoutMs: positive.default(20_000),
    /** Output encoding asked of the translator; `same` keeps each batch's input encoding (PNG when unspecified). */
    outputEncoding: choice(OUTPUT_ENCODINGS).default('same'),
    /** How often consumer lag is read for the metrics. */
    lagPollIntervalMs: positive.default(5000),
    /** Limits of the three streams (StreamLimits says what each means); defaults: DEFAULT_STREAM_LIMITS. */
    streams: z
      .object({
        duplicateWindowMs: positive.default(DEFAULT_STREAM_LIMITS.duplicateWindowMs),
        maxAgeMs: positive.default(DEFAULT_STREAM_LIMITS.maxAgeMs),
        deadMaxAgeMs: positive.default(DEFAULT_STREAM_LIMITS.deadMaxAgeMs),
        maxBytes: integer(-1).default(DEFAULT_STREAM_LIMITS.maxBytes),
        replicas: positive.default(DEFAULT_STREAM_LIMITS.replicas),
      })
      .prefault({}),
    /** Where structured log lines go. Default: JSON lines on stderr. */
    logger: z.custom<Logger>(isLogger, { error: 'must be a Logger of @sim2real/telemetry' }).default(() => jsonLineLogger),
  })
  .transform((options) => ({ ...options, workingIntervalMs: Math.max(100, Math.floor(options.ackWaitMs / 3)) }))
  .superRefine(({ natsServers, routes }, ctx) => {
    if (natsServers.length === 0) ctx.addIssue(sentence('natsServers', 'At least one NATS server URL is needed.'));
    if (routes.length === 0) ctx.addIssue(sentence('routes', 'At least one route DATASET=MODEL is needed.'));
    const seen = new Set<string>();
    for (const route of routes) {
      if (!DATASET_PATTERN.test(route.dataset)) ctx.addIssue(sentence('routes', `Dataset "${route.dataset}" must be letters, digits, "_" or "-" (one subject token).`));
      else if (!/^[^@\s]+(@[^@\s]+)?$/.test(route.model)) ctx.addIssue(sentence('routes', `Model "${route.model}" of dataset "${route.dataset}" is not NAME[@VERSION].`));
      else if (seen.has(route.dataset)) ctx.addIssue(sentence('routes', `Dataset "${route.dataset}" is routed twice.`));
      seen.add(route.dataset);
    }
  });

/** Options of `createAdapter`; every field but the connection targets and routes has a default. */
export type AdapterOptions = z.input<typeof adapterSchema>;
/** Resolved adapter configuration (units in names). */
export type AdapterConfig = z.output<typeof adapterSchema>;

/** Applies defaults and validates. Throws AdapterConfigError with one sentence. */
export function resolveAdapterConfig(options: AdapterOptions): AdapterConfig {
  return parseConfig(adapterSchema, options, (option, message) => new AdapterConfigError(message, option));
}
