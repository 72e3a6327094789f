import type { NatsAuthOptions } from '@sim2real/messaging';
import { type Logger, createLogger } from '@sim2real/telemetry';
import { RegressorConfigError } from './errors.js';

/** The network and its training; every knob has a default sized for a 2-core CPU. */
export interface RegressorOptions {
  /** Input width and height; batches of other sizes are resized. @default 64 */
  imageSize?: number;
  /** Coefficients predicted and scored (the first K of each label). @default 100 */
  outputs?: number;
  /** Channels of the first stage; stages double it (capped at 4×). @default 16 */
  width?: number;
  /** Stride of the stem convolution: 2 halves the cost of everything after it. @default 2 */
  stemStride?: number;
  /** Residual blocks per stage (four stages, the last three halving the resolution). @default 1 */
  blocksPerStage?: number;
  /** Adam learning rate. @default 0.001 */
  learningRate?: number;
  /** Samples per training step. @default 32 */
  batchSize?: number;
  /** Samples kept for replay: each step draws its mini-batch from the most recent ones. @default 4096 */
  replayCapacity?: number;
  /** Largest random shift of training images, in pixels (framing is a nuisance, so shifts keep the label). @default 2 */
  augmentShiftPx?: number;
  /** Seed of weights init and mini-batch draws. @default 0 */
  seed?: number;
}

export interface RegressorConfig {
  readonly imageSize: number;
  readonly outputs: number;
  readonly width: number;
  readonly stemStride: number;
  readonly blocksPerStage: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly replayCapacity: number;
  readonly augmentShiftPx: number;
  readonly seed: number;
}

export const REGRESSOR_DEFAULTS: RegressorConfig = {
  imageSize: 64,
  outputs: 100,
  width: 16,
  stemStride: 2,
  blocksPerStage: 1,
  learningRate: 0.001,
  batchSize: 32,
  replayCapacity: 4096,
  augmentShiftPx: 2,
  seed: 0,
};

/** Fills defaults and validates. @throws RegressorConfigError naming the first bad option */
export function resolveRegressorConfig(options: RegressorOptions = {}): RegressorConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RegressorOptions;
  const config = { ...REGRESSOR_DEFAULTS, ...defined };
  const int = (name: keyof RegressorConfig, min: number, max: number): void => {
    const value = config[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RegressorConfigError(`${name} must be an integer from ${min} to ${max}, got ${value}.`, name);
    }
  };
  int('imageSize', 16, 512);
  int('outputs', 1, 10_000);
  int('width', 1, 512);
  int('stemStride', 1, 2);
  int('blocksPerStage', 1, 16);
  int('batchSize', 1, 1024);
  int('replayCapacity', 1, 1_000_000);
  int('augmentShiftPx', 0, 16);
  int('seed', 0, 2 ** 31 - 1);
  const multiple = 8 * config.stemStride;
  if (config.imageSize % multiple !== 0) {
    throw new RegressorConfigError(`imageSize must be a multiple of ${multiple} (stem stride ${config.stemStride}), got ${config.imageSize}.`, 'imageSize');
  }
  if (!(config.learningRate > 0 && config.learningRate < 1)) {
    throw new RegressorConfigError(`learningRate must be in (0, 1), got ${config.learningRate}.`, 'learningRate');
  }
  return config;
}

/** Where batches come from: translated ones (ours, the oracle's stand-in) or the synthetic ones (the baseline). */
export type BatchSource = 'adapted' | 'synthetic';

/** JSON lines on a stream (stderr by default). */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  return createLogger({ service: 'face-regressor', stream });
}

/** The consumer service: where batches come from, how often to evaluate and checkpoint. */
export interface RegressorServiceOptions {
  /** @default 'nats://127.0.0.1:4222' */
  natsServers?: string | string[];
  /** NATS credentials and TLS. @default none */
  natsAuth?: NatsAuthOptions;
  /** Dataset token of the subject `sim2real.batches.<source>.<dataset>`. */
  dataset: string;
  /** @default 'adapted' */
  source?: BatchSource;
  /** Durable consumer name. @default `face-regressor-<source>-<dataset>` */
  consumerName?: string;
  regressor?: RegressorOptions;
  /** Optimiser steps per received batch; 0 = one pass over its samples (⌈samples / batchSize⌉). @default 0 */
  stepsPerBatch?: number;
  /** Evaluate on the test set every this many steps. @default 100 */
  evalEverySteps?: number;
  /** Save a checkpoint every this many steps (and on stop) when `checkpointDir` is set. @default 200 */
  checkpointEverySteps?: number;
  /** Checkpoint folder; training resumes from it when it holds one. @default none (no checkpoints) */
  checkpointDir?: string;
  /** The server redelivers a batch not acknowledged within this time (the trainer signals progress meanwhile). @default 60000 */
  ackWaitMs?: number;
  /** Deliveries of one batch before the server gives up on it. @default 5 */
  maxDeliver?: number;
  /** Stop after this many batches; 0 = run until stopped. @default 0 */
  maxBatches?: number;
  /** Largest accepted image, in pixels. @default 4_194_304 */
  maxPixels?: number;
  logger?: Logger;
}

export interface RegressorServiceConfig {
  readonly natsServers: string[];
  readonly natsAuth: NatsAuthOptions;
  readonly dataset: string;
  readonly source: BatchSource;
  readonly consumerName: string;
  readonly regressor: RegressorConfig;
  readonly stepsPerBatch: number;
  readonly evalEverySteps: number;
  readonly checkpointEverySteps: number;
  readonly checkpointDir: string | undefined;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly maxBatches: number;
  readonly maxPixels: number;
  readonly logger: Logger;
}

/** The service settings' defaults (what `resolveRegressorServiceConfig` fills in; the flags of `sim2real regress` show them). */
export const REGRESSOR_SERVICE_DEFAULTS = {
  source: 'adapted',
  stepsPerBatch: 0,
  evalEverySteps: 100,
  checkpointEverySteps: 200,
  ackWaitMs: 60_000,
  maxDeliver: 5,
  maxBatches: 0,
  maxPixels: 4_194_304,
} as const satisfies Partial<RegressorServiceConfig>;

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Fills defaults and validates. @throws RegressorConfigError naming the first bad option */
export function resolveRegressorServiceConfig(options: RegressorServiceOptions): RegressorServiceConfig {
  const defaults = REGRESSOR_SERVICE_DEFAULTS;
  const source = options.source ?? defaults.source;
  if (source !== 'adapted' && source !== 'synthetic') {
    throw new RegressorConfigError(`source must be "adapted" or "synthetic", got "${String(source)}".`, 'source');
  }
  if (!TOKEN.test(options.dataset ?? '')) {
    throw new RegressorConfigError(`dataset must be one subject token (letters, digits, _ and -), got "${options.dataset}".`, 'dataset');
  }
  const consumerName = options.consumerName ?? `face-regressor-${source}-${options.dataset}`;
  if (!TOKEN.test(consumerName)) throw new RegressorConfigError(`consumerName "${consumerName}" is not a valid durable name.`, 'consumerName');
  const servers = options.natsServers ?? 'nats://127.0.0.1:4222';
  const config = {
    natsServers: Array.isArray(servers) ? servers : servers.split(',').map((s) => s.trim()).filter(Boolean),
    natsAuth: options.natsAuth ?? {},
    dataset: options.dataset,
    source,
    consumerName,
    regressor: resolveRegressorConfig(options.regressor),
    stepsPerBatch: options.stepsPerBatch ?? defaults.stepsPerBatch,
    evalEverySteps: options.evalEverySteps ?? defaults.evalEverySteps,
    checkpointEverySteps: options.checkpointEverySteps ?? defaults.checkpointEverySteps,
    checkpointDir: options.checkpointDir,
    ackWaitMs: options.ackWaitMs ?? defaults.ackWaitMs,
    maxDeliver: options.maxDeliver ?? defaults.maxDeliver,
    maxBatches: options.maxBatches ?? defaults.maxBatches,
    maxPixels: options.maxPixels ?? defaults.maxPixels,
    logger: options.logger ?? jsonLineLogger(),
  };
  const int = (name: keyof typeof config, min: number): void => {
    const value = config[name] as number;
    if (!Number.isInteger(value) || value < min) throw new RegressorConfigError(`${name} must be an integer ≥ ${min}, got ${value}.`, name);
  };
  int('stepsPerBatch', 0);
  int('evalEverySteps', 1);
  int('checkpointEverySteps', 1);
  int('ackWaitMs', 1000);
  int('maxDeliver', 1);
  int('maxBatches', 0);
  int('maxPixels', 1);
  if (config.natsServers.length === 0) throw new RegressorConfigError('natsServers must name at least one server.', 'natsServers');
  return config;
}
