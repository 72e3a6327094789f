import os from 'node:os';
import path from 'node:path';
import { ENGINE_CHOICES, ENGINE_ENV } from '@sim2real/inference';
import type { EngineChoice } from '@sim2real/inference';
import type { BackendChoice } from '@sim2real/tensor';
import { ConfigError } from './errors.js';

/** Options of the translator server; every field but `registryDir` has a default that works on one machine. */
export interface TranslatorServerOptions {
  /** TCP port; 0 picks a free one. @default 50051 */
  port?: number;
  /** Interface to bind. @default '0.0.0.0' */
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
  /** When set, training source and target folders must lie under this folder. @default undefined (any server path) */
  trainingDataRoot?: string;
  /** VGG-19 weights for training jobs (TensorFlow.js layers format). @default undefined (degraded mode, announced) */
  vggDir?: string;
  /** TensorFlow.js backend of serving and training. @default 'auto' */
  backend?: BackendChoice;
  /** Nice value (0–19) of the training worker thread, so that serving wins the CPU when both want it. @default 10 */
  trainingNice?: number;
  /** Inference engine: auto = onnxruntime-node for versions with a current model.onnx, tfjs for the others. @default 'auto' */
  engine?: EngineChoice;
  /** Intra-op threads of each onnxruntime-node session. @default os.availableParallelism() */
  inferenceThreads?: number;
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
  trainingDataRoot: string | undefined;
  vggDir: string | undefined;
  backend: BackendChoice;
  trainingNice: number;
  engine: EngineChoice;
  inferenceThreads: number;
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

function dir(field: keyof TranslatorServerOptions, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(field, `${field} must be a folder path, got ${String(value)}.`);
  return path.resolve(value);
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
  const host = options.host ?? '0.0.0.0';
  if (typeof host !== 'string' || host === '') throw new ConfigError('host', 'host must be a non-empty interface name or address.');
  return {
    port: int('port', options.port ?? 50051, 0, 65535),
    host,
    httpPort: options.httpPort === undefined ? undefined : int('httpPort', options.httpPort, 0, 65535),
    registryDir,
    defaultModel,
    maxImagesPerRequest: int('maxImagesPerRequest', options.maxImagesPerRequest ?? 64, 1, 65536),
    maxPixelsPerImage: int('maxPixelsPerImage', options.maxPixelsPerImage ?? 4_194_304, 1, 268_435_456),
    maxMessageBytes: int('maxMessageBytes', options.maxMessageBytes ?? 16 * 1024 * 1024, 1024, 2 ** 31 - 1),
    maxConcurrentStreams: int('maxConcurrentStreams', options.maxConcurrentStreams ?? 64, 1, 100_000),
    maxInFlightPerStream: int('maxInFlightPerStream', options.maxInFlightPerStream ?? 8, 1, 10_000),
    maxBatchSize: int('maxBatchSize', options.maxBatchSize ?? 16, 1, 4096),
    maxBatchDelayMs: int('maxBatchDelayMs', options.maxBatchDelayMs ?? 5, 0, 60_000),
    maxQueuedImages: int('maxQueuedImages', options.maxQueuedImages ?? 1024, 1, 10_000_000),
    maxLoadedModels: int('maxLoadedModels', options.maxLoadedModels ?? 4, 1, 1000),
    registryRescanMs: int('registryRescanMs', options.registryRescanMs ?? 1000, 0, 3_600_000),
    maxQueuedJobs: int('maxQueuedJobs', options.maxQueuedJobs ?? 16, 0, 10_000),
    maxFinishedJobs: int('maxFinishedJobs', options.maxFinishedJobs ?? 100, 1, 100_000),
    trainingDataRoot: dir('trainingDataRoot', options.trainingDataRoot),
    vggDir: dir('vggDir', options.vggDir),
    backend,
    trainingNice: int('trainingNice', options.trainingNice ?? 10, 0, 19),
    engine,
    inferenceThreads: int('inferenceThreads', options.inferenceThreads ?? os.availableParallelism(), 1, 1024),
  };
}

/** Environment variable of each option (read by main.ts and `sim2real serve`; documented in README.md). */
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
  trainingDataRoot: 'TRAINING_DATA_ROOT',
  vggDir: 'SIM2REAL_VGG_DIR',
  backend: 'TFJS_BACKEND',
  trainingNice: 'TRAINING_NICE',
  engine: ENGINE_ENV.engine,
  inferenceThreads: ENGINE_ENV.threads,
} as const satisfies Record<keyof TranslatorServerOptions, string>;

const STRING_OPTIONS = new Set<keyof TranslatorServerOptions>(['host', 'registryDir', 'defaultModel', 'trainingDataRoot', 'vggDir', 'backend', 'engine']);

/**
 * Server options from environment variables (names in SERVER_ENV); unset or empty variables are left out.
 * Takes the environment as an argument: only main.ts and the CLI pass `process.env`.
 */
export function serverOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<TranslatorServerOptions> {
  const options: Record<string, string | number> = {};
  for (const [key, name] of Object.entries(SERVER_ENV) as [keyof TranslatorServerOptions, string][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (STRING_OPTIONS.has(key)) {
      options[key] = raw;
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new ConfigError(key, `${name} must be an integer, got "${raw}".`);
    options[key] = value;
  }
  return options;
}
