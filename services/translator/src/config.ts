import os from 'node:os';
import path from 'node:path';
import { ENGINE_CHOICES, ENGINE_ENV } from '@sim2real/inference';
import type { EngineChoice } from '@sim2real/inference';
import { DEFAULT_TRAINING_QUEUE, natsAuthFromEnv } from '@sim2real/messaging';
import type { NatsAuthOptions } from '@sim2real/messaging';
import type { BackendChoice } from '@sim2real/tensor';
import { ConfigError } from './errors.js';

/** Options of the translator server; every field but `registryDir` has a default that works on one machine. */
export interface TranslatorServerOptions {
  /** TCP port; 0 picks a free one. @default 50051 */
  port?: number;
  /**
   * Interface to bind. @default '0.0.0.0' with `authTokensFile` or `insecure`, else '127.0.0.1' (a server without
   * tokens is reachable from this machine only unless `insecure` says otherwise)
   */
  host?: string;
  /** HTTP port of the dashboard (`/`), Prometheus `/metrics`, `/healthz` and `/readyz` on `host`; 0 picks a free one. @default undefined (no HTTP port) */
  httpPort?: number;
  /** Model registry root: `<registryDir>/<name>/<version>/`. Created when missing. */
  registryDir: string;
  /** Model used when a request names none (`name`, `name@version` or `name@latest`). @default undefined (requests must name one) */
  defaultModel?: string;
  /** Most images in one TranslateRequest. @default 64 */
  maxImagesPerRequest?: number;
  /** Most pixels (width × height) of one input image, checked from its header before decoding. @default 4_194_304 (2048²) */
  maxPixelsPerImage?: number;
  /** Largest gRPC message received or sent. @default 16_777_216 (16 MiB) */
  maxMessageBytes?: number;
  /** Most TranslateStream and WatchTraining calls open at once. @default 64 */
  maxConcurrentStreams?: number;
  /** Requests of one TranslateStream being processed before the server stops reading that stream. @default 8 */
  maxInFlightPerStream?: number;
  /** Most images in one inference batch (micro-batching across calls). @default 16 */
  maxBatchSize?: number;
  /** How long the first image of a batch waits for others to join. @default 5 */
  maxBatchDelayMs?: number;
  /** Images decoded and waiting for inference, over all calls; beyond it calls get RESOURCE_EXHAUSTED. @default 1024 */
  maxQueuedImages?: number;
  /** Translators kept loaded (least recently used beyond this are disposed). @default 4 */
  maxLoadedModels?: number;
  /** How long a `name`/`name@latest` lookup trusts its last scan of the registry folder. @default 1000 */
  registryRescanMs?: number;
  /** Training jobs waiting behind the running one; beyond it StartTraining gets RESOURCE_EXHAUSTED. @default 16 */
  maxQueuedJobs?: number;
  /** Finished jobs remembered for WatchTraining/CancelTraining. @default 100 */
  maxFinishedJobs?: number;
  /**
   * Remote training reads only under this folder (paths checked after symlinks). @default undefined (StartTraining
   * answers FAILED_PRECONDITION: remote training is disabled)
   */
  trainingRoot?: string;
  /** Most training steps one job may ask for. @default 20000 */
  trainingMaxSteps?: number;
  /** Largest model image size (pixels per side) one job may ask for. @default 256 */
  trainingMaxImageSize?: number;
  /** Largest batch one job may ask for. @default 64 */
  trainingMaxBatchSize?: number;
  /** Wall time after which a running job is stopped (FAILED, its last checkpoint kept as a partial version). @default 21_600_000 (6 h) */
  trainingMaxWallTimeMs?: number;
  /** Training jobs running at once, each in its own process. @default 1 */
  maxRunningJobs?: number;
  /** Memory cap of a job's process: V8 heap (`--max-old-space-size`) and, separately, the wasm heap. @default 4096 */
  trainingMemoryMb?: number;
  /** JSON array of {name, token_sha256, roles}; when set, every call but health needs `authorization: Bearer <token>`. @default undefined */
  authTokensFile?: string;
  /** Serve without tokens on a non-loopback interface. @default false */
  insecure?: boolean;
  /** Serve gRPC server reflection (to callers with a valid token when tokens are on). @default false */
  reflection?: boolean;
  /** PEM certificate chain of the server; with `tlsKeyFile`, turns TLS on. Re-read on SIGHUP and on change. @default undefined (plaintext) */
  tlsCertFile?: string;
  /** PEM private key of `tlsCertFile`. @default undefined */
  tlsKeyFile?: string;
  /** PEM CA that client certificates must chain to: mTLS, a client without one is refused. @default undefined */
  tlsClientCaFile?: string;
  /** Unary calls in progress at once; more get RESOURCE_EXHAUSTED before their message is decoded. @default 256 */
  maxConcurrentUnaryCalls?: number;
  /** Largest TranslateResponse in bytes (raw outputs are counted before any decoding). @default maxMessageBytes */
  maxResponseBytes?: number;
  /** Interval of the server's HTTP/2 keepalive pings on an idle connection. @default 60_000 */
  keepaliveTimeMs?: number;
  /** A keepalive ping unanswered this long closes the connection. @default 20_000 */
  keepaliveTimeoutMs?: number;
  /** A connection without calls this long is closed (GOAWAY). @default 300_000 */
  maxConnectionIdleMs?: number;
  /** A connection older than this is asked to reconnect (GOAWAY), spreading clients over new instances. @default 1_800_000 */
  maxConnectionAgeMs?: number;
  /** Time calls on an aged connection get to finish. @default 60_000 */
  maxConnectionAgeGraceMs?: number;
  /** VGG-19 weights for training jobs (TensorFlow.js layers format). @default undefined (degraded mode, announced) */
  vggDir?: string;
  /** TensorFlow.js backend of serving and training. @default 'auto' */
  backend?: BackendChoice;
  /** Nice value (0–19) of a training job's process, so that serving wins the CPU when both want it. @default 10 */
  trainingNice?: number;
  /** Inference engine: auto = onnxruntime-node for versions with a current model.onnx, tfjs for the others. @default 'auto' */
  engine?: EngineChoice;
  /** Intra-op threads of each onnxruntime-node session. @default os.availableParallelism() */
  inferenceThreads?: number;
  /**
   * NATS server URL(s), comma-separated: training jobs then live in JetStream (records in a KV bucket, a work-queue
   * stream, per-job event subjects) shared by every replica on it. @default undefined (jobs in this process's memory)
   */
  natsUrl?: string;
  /** NATS credentials and TLS (env: the `SIM2REAL_NATS_*` variables of NATS_AUTH_SETTINGS). @default none */
  natsAuth?: NatsAuthOptions;
  /**
   * With natsUrl: the training queue's AckWait. The replica running a job heartbeats every third of it; a job whose
   * replica stopped (killed) is marked FAILED this long after its last heartbeat. @default 30000
   */
  trainingAckWaitMs?: number;
}

/** A validated, complete server configuration. */
export interface TranslatorServerConfig {
  port: number;
  host: string;
  httpPort: number | undefined;
  registryDir: string;
  defaultModel: string | undefined;
  maxImagesPerRequest: number;
  maxPixelsPerImage: number;
  maxMessageBytes: number;
  maxConcurrentStreams: number;
  maxInFlightPerStream: number;
  maxBatchSize: number;
  maxBatchDelayMs: number;
  maxQueuedImages: number;
  maxLoadedModels: number;
  registryRescanMs: number;
  maxQueuedJobs: number;
  maxFinishedJobs: number;
  trainingRoot: string | undefined;
  trainingMaxSteps: number;
  trainingMaxImageSize: number;
  trainingMaxBatchSize: number;
  trainingMaxWallTimeMs: number;
  maxRunningJobs: number;
  trainingMemoryMb: number;
  vggDir: string | undefined;
  backend: BackendChoice;
  trainingNice: number;
  engine: EngineChoice;
  inferenceThreads: number;
  authTokensFile: string | undefined;
  insecure: boolean;
  reflection: boolean;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  tlsClientCaFile: string | undefined;
  maxConcurrentUnaryCalls: number;
  maxResponseBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  maxConnectionIdleMs: number;
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
  natsUrl: string | undefined;
  natsAuth: NatsAuthOptions;
  trainingAckWaitMs: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

/** Whether `host` is a loopback interface (reachable from this machine only). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** A model reference `name`, `name@version` or `name@latest`; names and versions are single folder names. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function int(field: keyof TranslatorServerOptions, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(field, `${field} must be an integer ${range}, got ${String(value)}.`);
  }
  return value;
}

function dir(field: keyof TranslatorServerOptions, value: string | undefined, what = 'a folder path'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(field, `${field} must be ${what}, got ${String(value)}.`);
  return path.resolve(value);
}

function file(field: keyof TranslatorServerOptions, value: string | undefined): string | undefined {
  return dir(field, value, 'a file path');
}

function bool(field: keyof TranslatorServerOptions, value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ConfigError(field, `${field} must be true or false, got ${String(value)}.`);
  return value;
}

/** Fills defaults and validates; throws ConfigError with one sentence naming the field. */
export function resolveServerConfig(options: TranslatorServerOptions): TranslatorServerConfig {
  const registryDir = dir('registryDir', options.registryDir);
  if (registryDir === undefined) throw new ConfigError('registryDir', 'registryDir (the model registry folder) is required.');
  const defaultModel = options.defaultModel || undefined;
  if (defaultModel !== undefined) {
    const [name, version, extra] = defaultModel.split('@');
    if (extra !== undefined || !MODEL_NAME_PATTERN.test(name ?? '') || (version !== undefined && !MODEL_NAME_PATTERN.test(version))) {
      throw new ConfigError('defaultModel', `defaultModel must be "name", "name@version" or "name@latest", got "${defaultModel}".`);
    }
  }
  const backend = options.backend ?? 'auto';
  if (!BACKENDS.includes(backend)) {
    throw new ConfigError('backend', `backend must be one of ${BACKENDS.join(', ')}, got "${String(backend)}".`);
  }
  const engine = options.engine ?? 'auto';
  if (!ENGINE_CHOICES.includes(engine)) {
    throw new ConfigError('engine', `engine must be one of ${ENGINE_CHOICES.join(', ')}, got "${String(engine)}".`);
  }
  const authTokensFile = file('authTokensFile', options.authTokensFile);
  const insecure = bool('insecure', options.insecure);
  const host = options.host ?? (authTokensFile || insecure ? '0.0.0.0' : '127.0.0.1');
  if (typeof host !== 'string' || host === '') throw new ConfigError('host', 'host must be a non-empty interface name or address.');
  if (!authTokensFile && !insecure && !isLoopback(host)) {
    throw new ConfigError('host', `Without auth tokens the server listens on loopback only; give authTokensFile (--auth-tokens) or insecure (--insecure) to listen on ${host}.`);
  }
  const tlsCertFile = file('tlsCertFile', options.tlsCertFile);
  const tlsKeyFile = file('tlsKeyFile', options.tlsKeyFile);
  const tlsClientCaFile = file('tlsClientCaFile', options.tlsClientCaFile);
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) throw new ConfigError('tlsKeyFile', 'tlsCertFile and tlsKeyFile go together: give both or neither.');
  if (tlsClientCaFile && !tlsCertFile) throw new ConfigError('tlsClientCaFile', 'tlsClientCaFile (mTLS) needs TLS: give tlsCertFile and tlsKeyFile too.');
  const maxMessageBytes = int('maxMessageBytes', options.maxMessageBytes ?? 16 * 1024 * 1024, 1024, 2 ** 31 - 1);
  return {
    port: int('port', options.port ?? 50051, 0, 65535),
    host,
    httpPort: options.httpPort === undefined ? undefined : int('httpPort', options.httpPort, 0, 65535),
    registryDir,
    defaultModel,
    maxImagesPerRequest: int('maxImagesPerRequest', options.maxImagesPerRequest ?? 64, 1, 65536),
    maxPixelsPerImage: int('maxPixelsPerImage', options.maxPixelsPerImage ?? 4_194_304, 1, 268_435_456),
    maxMessageBytes,
    maxConcurrentStreams: int('maxConcurrentStreams', options.maxConcurrentStreams ?? 64, 1, 100_000),
    maxInFlightPerStream: int('maxInFlightPerStream', options.maxInFlightPerStream ?? 8, 1, 10_000),
    maxBatchSize: int('maxBatchSize', options.maxBatchSize ?? 16, 1, 4096),
    maxBatchDelayMs: int('maxBatchDelayMs', options.maxBatchDelayMs ?? 5, 0, 60_000),
    maxQueuedImages: int('maxQueuedImages', options.maxQueuedImages ?? 1024, 1, 10_000_000),
    maxLoadedModels: int('maxLoadedModels', options.maxLoadedModels ?? 4, 1, 1000),
    registryRescanMs: int('registryRescanMs', options.registryRescanMs ?? 1000, 0, 3_600_000),
    maxQueuedJobs: int('maxQueuedJobs', options.maxQueuedJobs ?? 16, 0, 10_000),
    maxFinishedJobs: int('maxFinishedJobs', options.maxFinishedJobs ?? 100, 1, 100_000),
    trainingRoot: dir('trainingRoot', options.trainingRoot),
    trainingMaxSteps: int('trainingMaxSteps', options.trainingMaxSteps ?? 20_000, 1),
    trainingMaxImageSize: int('trainingMaxImageSize', options.trainingMaxImageSize ?? 256, 8, 4096),
    trainingMaxBatchSize: int('trainingMaxBatchSize', options.trainingMaxBatchSize ?? 64, 1, 4096),
    trainingMaxWallTimeMs: int('trainingMaxWallTimeMs', options.trainingMaxWallTimeMs ?? 21_600_000, 1000),
    maxRunningJobs: int('maxRunningJobs', options.maxRunningJobs ?? 1, 1, 64),
    trainingMemoryMb: int('trainingMemoryMb', options.trainingMemoryMb ?? 4096, 256, 1_048_576),
    vggDir: dir('vggDir', options.vggDir),
    backend,
    trainingNice: int('trainingNice', options.trainingNice ?? 10, 0, 19),
    engine,
    inferenceThreads: int('inferenceThreads', options.inferenceThreads ?? os.availableParallelism(), 1, 1024),
    authTokensFile,
    insecure,
    reflection: bool('reflection', options.reflection),
    tlsCertFile,
    tlsKeyFile,
    tlsClientCaFile,
    maxConcurrentUnaryCalls: int('maxConcurrentUnaryCalls', options.maxConcurrentUnaryCalls ?? 256, 1, 1_000_000),
    maxResponseBytes: int('maxResponseBytes', options.maxResponseBytes ?? maxMessageBytes, 1024, maxMessageBytes),
    keepaliveTimeMs: int('keepaliveTimeMs', options.keepaliveTimeMs ?? 60_000, 1000),
    keepaliveTimeoutMs: int('keepaliveTimeoutMs', options.keepaliveTimeoutMs ?? 20_000, 1000),
    maxConnectionIdleMs: int('maxConnectionIdleMs', options.maxConnectionIdleMs ?? 300_000, 1000),
    maxConnectionAgeMs: int('maxConnectionAgeMs', options.maxConnectionAgeMs ?? 1_800_000, 1000),
    maxConnectionAgeGraceMs: int('maxConnectionAgeGraceMs', options.maxConnectionAgeGraceMs ?? 60_000, 0),
    natsUrl: options.natsUrl || undefined,
    natsAuth: options.natsAuth ?? {},
    trainingAckWaitMs: int('trainingAckWaitMs', options.trainingAckWaitMs ?? DEFAULT_TRAINING_QUEUE.ackWaitMs, 300),
  };
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

const STRING_OPTIONS = new Set<keyof TranslatorServerOptions>([
  'host',
  'registryDir',
  'defaultModel',
  'trainingRoot',
  'vggDir',
  'backend',
  'engine',
  'authTokensFile',
  'tlsCertFile',
  'tlsKeyFile',
  'tlsClientCaFile',
  'natsUrl',
]);
const BOOLEAN_OPTIONS = new Set<keyof TranslatorServerOptions>(['insecure', 'reflection']);

/**
 * Server options from environment variables (names in SERVER_ENV); unset or empty variables are left out.
 * Takes the environment as an argument: only main.ts and the CLI pass `process.env`.
 */
export function serverOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<TranslatorServerOptions> {
  const options: Record<string, string | number | boolean> = {};
  for (const [key, name] of Object.entries(SERVER_ENV) as [keyof TranslatorServerOptions, string][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (STRING_OPTIONS.has(key)) {
      options[key] = raw;
      continue;
    }
    if (BOOLEAN_OPTIONS.has(key)) {
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
