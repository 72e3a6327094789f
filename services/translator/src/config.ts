import os from 'node:os';
import path from 'node:path';
import { ENGINE_CHOICES, ENGINE_ENV } from '@sim2real/inference';
import { DEFAULT_TRAINING_QUEUE, natsAuthFromEnv } from '@sim2real/messaging';
import type { NatsAuthOptions } from '@sim2real/messaging';
import type { BackendChoice } from '@sim2real/tensor';
import { z } from 'zod';
import { choice, flag, integer, parseConfig, requiredText, sentence } from '@sim2real/config';
import { ConfigError } from './errors.js';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

/** Whether `host` is a loopback interface (reachable from this machine only). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** A model reference `name`, `name@version` or `name@latest`; names and versions are single folder names. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function isModelReference(reference: string): boolean {
  const [name, version, extra] = reference.split('@');
  return extra === undefined && MODEL_NAME_PATTERN.test(name ?? '') && (version === undefined || MODEL_NAME_PATTERN.test(version));
}

/** An optional path, resolved against the working directory; '' counts as not given. */
const optionalPath = (what: string) =>
  z
    .string({ error: (issue) => `must be ${what}, got ${String(issue.input)}` })
    .optional()
    .transform((value) => (value ? path.resolve(value) : undefined));

/** The translator server's options and their defaults (that work on one machine). */
const serverOptionsSchema = z.object({
  /** TCP port; 0 picks a free one. */
  port: integer(0, 65535).default(50051),
  /** Interface to bind. Default: '0.0.0.0' with `authTokensFile` or `insecure`, else '127.0.0.1' (loopback only). */
  host: requiredText('a non-empty interface name or address').optional(),
  /** HTTP port of the dashboard (`/`), Prometheus `/metrics`, `/healthz` and `/readyz` on `host`; 0 picks a free one. Default: none. */
  httpPort: integer(0, 65535).optional(),
  /** Model registry root: `<registryDir>/<name>/<version>/`; created when missing. Required. */
  registryDir: requiredText('the path of the model registry folder').transform((value) => path.resolve(value)),
  /** Model used when a request names none (`name`, `name@version` or `name@latest`). Default: none (requests must name one). */
  defaultModel: z
    .string()
    .refine((value) => value === '' || isModelReference(value), { error: (issue) => `must be "name", "name@version" or "name@latest", got "${String(issue.input)}"` })
    .optional()
    .transform((value) => value || undefined),
  /** Most images in one TranslateRequest. */
  maxImagesPerRequest: integer(1, 65536).default(64),
  /** Most pixels (width × height) of one input image, checked from its header before decoding (2048²). */
  maxPixelsPerImage: integer(1, 268_435_456).default(4_194_304),
  /** Largest gRPC message received or sent, in bytes (16 MiB). */
  maxMessageBytes: integer(1024, 2 ** 31 - 1).default(16 * 1024 * 1024),
  /** Most TranslateStream and WatchTraining calls open at once. */
  maxConcurrentStreams: integer(1, 100_000).default(64),
  /** Requests of one TranslateStream being processed before the server stops reading that stream. */
  maxInFlightPerStream: integer(1, 10_000).default(8),
  /** Most images in one inference batch (micro-batching across calls). */
  maxBatchSize: integer(1, 4096).default(16),
  /** How long the first image of a batch waits for others to join. */
  maxBatchDelayMs: integer(0, 60_000).default(5),
  /** Images decoded and waiting for inference, over all calls; beyond it calls get RESOURCE_EXHAUSTED. */
  maxQueuedImages: integer(1, 10_000_000).default(1024),
  /** Translators kept loaded (the least recently used beyond this are disposed). */
  maxLoadedModels: integer(1, 1000).default(4),
  /** How long a `name`/`name@latest` lookup trusts its last scan of the registry folder. */
  registryRescanMs: integer(0, 3_600_000).default(1000),
  /** Training jobs waiting behind the running one; beyond it StartTraining gets RESOURCE_EXHAUSTED. */
  maxQueuedJobs: integer(0, 10_000).default(16),
  /** Finished jobs remembered for WatchTraining/CancelTraining. */
  maxFinishedJobs: integer(1, 100_000).default(100),
  /** Remote training reads only under this folder (checked after symlinks). Default: none (StartTraining answers FAILED_PRECONDITION). */
  trainingRoot: optionalPath('a folder path'),
  /** Most training steps one job may ask for. */
  trainingMaxSteps: integer(1).default(20_000),
  /** Largest model image size one job may ask for, in pixels per side. */
  trainingMaxImageSize: integer(8, 4096).default(256),
  /** Largest batch one job may ask for. */
  trainingMaxBatchSize: integer(1, 4096).default(64),
  /** Wall time after which a running job is stopped (FAILED, its last checkpoint kept as a partial version); 6 h. */
  trainingMaxWallTimeMs: integer(1000).default(21_600_000),
  /** Training jobs running at once, each in its own process. */
  maxRunningJobs: integer(1, 64).default(1),
  /** Memory cap of a job's process in MiB: V8 heap (`--max-old-space-size`) and, separately, the wasm heap. */
  trainingMemoryMb: integer(256, 1_048_576).default(4096),
  /** VGG-19 weights for training jobs (TensorFlow.js layers format). Default: none (degraded mode, announced). */
  vggDir: optionalPath('a folder path'),
  /** TensorFlow.js backend of serving and training. */
  backend: choice(BACKENDS).default('auto'),
  /** Nice value (0–19) of a training job's process, so that serving wins the CPU when both want it. */
  trainingNice: integer(0, 19).default(10),
  /** Inference engine: auto = onnxruntime-node for versions with a current model.onnx, tfjs for the others. */
  engine: choice(ENGINE_CHOICES).default('auto'),
  /** Intra-op threads of each onnxruntime-node session. Default: os.availableParallelism(). */
  inferenceThreads: integer(1, 1024).default(() => os.availableParallelism()),
  /** JSON array of {name, token_sha256, roles}; when set, every call but health needs `authorization: Bearer <token>`. Default: none. */
  authTokensFile: optionalPath('a file path'),
  /** Serve without tokens on a non-loopback interface. */
  insecure: flag().default(false),
  /** Serve gRPC server reflection (to callers with a valid token when tokens are on). */
  reflection: flag().default(false),
  /** PEM certificate chain of the server; with `tlsKeyFile`, turns TLS on; re-read on SIGHUP and on change. Default: none (plaintext). */
  tlsCertFile: optionalPath('a file path'),
  /** PEM private key of `tlsCertFile`. Default: none. */
  tlsKeyFile: optionalPath('a file path'),
  /** PEM CA that client certificates must chain to: mTLS, a client without one is refused. Default: none. */
  tlsClientCaFile: optionalPath('a file path'),
  /** Unary calls in progress at once; more get RESOURCE_EXHAUSTED before their message is decoded. */
  maxConcurrentUnaryCalls: integer(1, 1_000_000).default(256),
  /** Largest TranslateResponse in bytes (raw outputs are counted before any decoding), at most maxMessageBytes. Default: maxMessageBytes. */
  maxResponseBytes: integer(1024, 2 ** 31 - 1).optional(),
  /** Interval of the server's HTTP/2 keepalive pings on an idle connection. */
  keepaliveTimeMs: integer(1000).default(60_000),
  /** A keepalive ping unanswered this long closes the connection. */
  keepaliveTimeoutMs: integer(1000).default(20_000),
  /** A connection without calls this long is closed (GOAWAY). */
  maxConnectionIdleMs: integer(1000).default(300_000),
  /** A connection older than this is asked to reconnect (GOAWAY), spreading clients over new instances. */
  maxConnectionAgeMs: integer(1000).default(1_800_000),
  /** Time calls on an aged connection get to finish. */
  maxConnectionAgeGraceMs: integer(0).default(60_000),
  /**
   * NATS server URL(s), comma-separated: training jobs then live in JetStream, shared by every replica on it.
   * Default: none (jobs in this process's memory).
   */
  natsUrl: z
    .string()
    .optional()
    .transform((value) => value || undefined),
  /** NATS credentials and TLS (env: the `SIM2REAL_NATS_*` variables of NATS_AUTH_SETTINGS). Default: none. */
  natsAuth: z.custom<NatsAuthOptions>((value) => typeof value === 'object' && value !== null, { error: 'must be an object' }).default(() => ({})),
  /** With natsUrl: the training queue's AckWait; a job whose replica stopped heartbeating is FAILED this long after. */
  trainingAckWaitMs: integer(300).default(DEFAULT_TRAINING_QUEUE.ackWaitMs),
});

/** The options resolved: defaults that depend on other options filled, and the checks across options. */
const serverConfigSchema = serverOptionsSchema
  .transform(({ host, maxResponseBytes, ...options }) => ({
    ...options,
    host: host ?? (options.authTokensFile || options.insecure ? '0.0.0.0' : '127.0.0.1'),
    maxResponseBytes: maxResponseBytes ?? options.maxMessageBytes,
  }))
  .superRefine((config, ctx) => {
    if (!config.authTokensFile && !config.insecure && !isLoopback(config.host)) {
      ctx.addIssue(
        sentence('host', `Without auth tokens the server listens on loopback only; give authTokensFile (--auth-tokens) or insecure (--insecure) to listen on ${config.host}.`),
      );
    }
    if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) ctx.addIssue(sentence('tlsKeyFile', 'tlsCertFile and tlsKeyFile go together: give both or neither.'));
    if (config.tlsClientCaFile && !config.tlsCertFile) ctx.addIssue(sentence('tlsClientCaFile', 'tlsClientCaFile (mTLS) needs TLS: give tlsCertFile and tlsKeyFile too.'));
    if (config.maxResponseBytes > config.maxMessageBytes) {
      ctx.addIssue(sentence('maxResponseBytes', `maxResponseBytes must be an integer from 1024 to maxMessageBytes (${config.maxMessageBytes}), got ${config.maxResponseBytes}.`));
    }
  });

/** Options of the translator server; every field but `registryDir` has a default that works on one machine. */
export type TranslatorServerOptions = z.input<typeof serverConfigSchema>;
/** A validated, complete server configuration. */
export type TranslatorServerConfig = z.output<typeof serverConfigSchema>;

/** Fills defaults and validates; throws ConfigError with one sentence naming the field. */
export function resolveServerConfig(options: TranslatorServerOptions): TranslatorServerConfig {
  return parseConfig(serverConfigSchema, options, (field, message) => new ConfigError(field, message));
}

/** Environment variable of each option (read by main.ts and `sim2real serve`; documented in README.md); natsAuth has several, NATS_AUTH_SETTINGS'. */
export const SERVER_ENV = {
  port: 'PORT',
  host: 'HOST',
  httpPort: 'SIM2REAL_HTTP_PORT',
  registryDir: 'REGISTRY_DIR',
  defaultModel: 'DEFAULT_MODEL',
  maxImagesPerRequest: 'MAX_IMAGES_PER_REQUEST',
  maxPixelsPerImage: 'MAX_PIXELS_PER_IMAGE',
  maxMessageBytes: 'MAX_MESSAGE_BYTES',
  maxConcurrentStreams: 'MAX_CONCURRENT_STREAMS',
  maxInFlightPerStream: 'MAX_IN_FLIGHT_PER_STREAM',
  maxBatchSize: 'MAX_BATCH_SIZE',
  maxBatchDelayMs: 'MAX_BATCH_DELAY_MS',
  maxQueuedImages: 'MAX_QUEUED_IMAGES',
  maxLoadedModels: 'MAX_LOADED_MODELS',
  registryRescanMs: 'REGISTRY_RESCAN_MS',
  maxQueuedJobs: 'MAX_QUEUED_JOBS',
  maxFinishedJobs: 'MAX_FINISHED_JOBS',
  trainingRoot: 'SIM2REAL_TRAINING_ROOT',
  trainingMaxSteps: 'TRAINING_MAX_STEPS',
  trainingMaxImageSize: 'TRAINING_MAX_IMAGE_SIZE',
  trainingMaxBatchSize: 'TRAINING_MAX_BATCH_SIZE',
  trainingMaxWallTimeMs: 'TRAINING_MAX_WALL_TIME_MS',
  maxRunningJobs: 'MAX_RUNNING_JOBS',
  trainingMemoryMb: 'TRAINING_MEMORY_MB',
  vggDir: 'SIM2REAL_VGG_DIR',
  backend: 'TFJS_BACKEND',
  trainingNice: 'TRAINING_NICE',
  engine: ENGINE_ENV.engine,
  inferenceThreads: ENGINE_ENV.threads,
  authTokensFile: 'SIM2REAL_AUTH_TOKENS',
  insecure: 'SIM2REAL_INSECURE',
  reflection: 'SIM2REAL_REFLECTION',
  tlsCertFile: 'SIM2REAL_TLS_CERT',
  tlsKeyFile: 'SIM2REAL_TLS_KEY',
  tlsClientCaFile: 'SIM2REAL_TLS_CLIENT_CA',
  maxConcurrentUnaryCalls: 'MAX_CONCURRENT_UNARY_CALLS',
  maxResponseBytes: 'MAX_RESPONSE_BYTES',
  keepaliveTimeMs: 'KEEPALIVE_TIME_MS',
  keepaliveTimeoutMs: 'KEEPALIVE_TIMEOUT_MS',
  maxConnectionIdleMs: 'MAX_CONNECTION_IDLE_MS',
  maxConnectionAgeMs: 'MAX_CONNECTION_AGE_MS',
  maxConnectionAgeGraceMs: 'MAX_CONNECTION_AGE_GRACE_MS',
  natsUrl: 'SIM2REAL_NATS_URL',
  trainingAckWaitMs: 'TRAINING_ACK_WAIT_MS',
} as const satisfies Record<Exclude<keyof TranslatorServerOptions, 'natsAuth'>, string>;

/** The JSON type of each option ('string', 'integer', 'boolean'), from the schema: how its variable is read. */
const OPTION_TYPES = Object.fromEntries(
  Object.entries(z.toJSONSchema(serverOptionsSchema, { io: 'input', unrepresentable: 'any' }).properties ?? {}).map(([key, property]) => [
    key,
    typeof property === 'object' ? property.type : undefined,
  ]),
);

/**
 * Server options from environment variables (names in SERVER_ENV); unset or empty variables are left out.
 * Takes the environment as an argument: only main.ts and the CLI pass `process.env`.
 */
export function serverOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<TranslatorServerOptions> {
  const options: Record<string, string | number | boolean> = {};
  for (const [key, name] of Object.entries(SERVER_ENV) as [keyof TranslatorServerOptions, string][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (OPTION_TYPES[key] === 'string') {
      options[key] = raw;
      continue;
    }
    if (OPTION_TYPES[key] === 'boolean') {
      if (!/^(1|0|true|false)$/i.test(raw)) throw new ConfigError(key, `${name} must be 1, 0, true or false, got "${raw}".`);
      options[key] = /^(1|true)$/i.test(raw);
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new ConfigError(key, `${name} must be an integer, got "${raw}".`);
    options[key] = value;
  }
  const natsAuth = natsAuthFromEnv(env);
  return Object.keys(natsAuth).length > 0 ? { ...options, natsAuth } : options;
}
