import { z } from 'zod';
import { choice, integer, parseConfig, real, sentence } from '@sim2real/config';
import type { NatsAuthOptions } from '@sim2real/messaging';
import { type LogLevel, type Logger, createLogger, isLogger } from '@sim2real/telemetry';
import { RegressorConfigError } from './errors.js';

/** The network and its training; every knob has a default sized for a 2-core CPU. */
const regressorSchema = z
  .object({
    /** Input width and height, in pixels; batches of other sizes are resized. */
    imageSize: integer(16, 512).default(64),
    /** Coefficients predicted and scored (the first K of each label). */
    outputs: integer(1, 10_000).default(100),
    /** Channels of the first stage; stages double it (capped at 4×). */
    width: integer(1, 512).default(16),
    /** Stride of the stem convolution: 2 halves the cost of everything after it. */
    stemStride: integer(1, 2).default(2),
    /** Residual blocks per stage (four stages, the last three halving the resolution). */
    blocksPerStage: integer(1, 16).default(1),
    /** Adam learning rate. */
    learningRate: real(0, 1, { minExclusive: true }).default(0.001),
    /** Samples per training step. */
    batchSize: integer(1, 1024).default(32),
    /** Samples kept for replay: each step draws its mini-batch from the most recent ones. */
    replayCapacity: integer(1, 1_000_000).default(4096),
    /** Largest random shift of training images, in pixels (framing is a nuisance, so shifts keep the label). */
    augmentShiftPx: integer(0, 16).default(2),
    /** Seed of weights init and mini-batch draws. */
    seed: integer(0, 2 ** 31 - 1).default(0),
  })
  .superRefine(({ imageSize, stemStride }, ctx) => {
    const multiple = 8 * stemStride;
    if (imageSize % multiple !== 0) ctx.addIssue(sentence('imageSize', `imageSize must be a multiple of ${multiple} (stem stride ${stemStride}), got ${imageSize}.`));
  });

/** The network and its training; every knob has a default sized for a 2-core CPU. */
export type RegressorOptions = z.input<typeof regressorSchema>;
export type RegressorConfig = z.output<typeof regressorSchema>;

const configError = (option: string, message: string): RegressorConfigError => new RegressorConfigError(message, option);

/** Fills defaults and validates. @throws RegressorConfigError naming the first bad option */
export function resolveRegressorConfig(options: RegressorOptions = {}): RegressorConfig {
  return parseConfig(regressorSchema, options, configError);
}

/** Every option's default (the flags of `sim2real regress` show them). */
export const REGRESSOR_DEFAULTS: RegressorConfig = resolveRegressorConfig();

const BATCH_SOURCES = ['adapted', 'synthetic'] as const;

/** Where batches come from: translated ones (ours, the oracle's stand-in) or the synthetic ones (the baseline). */
export type BatchSource = (typeof BATCH_SOURCES)[number];

/** JSON lines on a stream (stderr by default), from `level` up ('info' by default). */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stderr, level?: LogLevel): Logger {
  return createLogger({ service: 'face-regressor', stream, level });
}

/** A subject token or durable consumer name. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
const token = (what: string) => z.string().regex(TOKEN, { error: (issue) => `must be ${what} (letters, digits, _ and -), got "${String(issue.input)}"` });

/** The consumer service's settings that have a default. */
const serviceSettingsSchema = z.object({
  /** Which batches to learn from. */
  source: choice(BATCH_SOURCES).default('adapted'),
  /** Optimiser steps per received batch; 0 = one pass over its samples (⌈samples / batchSize⌉). */
  stepsPerBatch: integer(0).default(0),
  /** Evaluate on the test set every this many steps. */
  evalEverySteps: integer(1).default(100),
  /** Save a checkpoint every this many steps (and on stop) when `checkpointDir` is set. */
  checkpointEverySteps: integer(1).default(200),
  /** The server redelivers a batch not acknowledged within this time (the trainer signals progress meanwhile). */
  ackWaitMs: integer(1000).default(60_000),
  /** Deliveries of one batch before the server gives up on it. */
  maxDeliver: integer(1).default(5),
  /** Stop after this many batches; 0 = run until stopped. */
  maxBatches: integer(0).default(0),
  /** Largest accepted image, in pixels. */
  maxPixels: integer(1).default(4_194_304),
});

/** The consumer service: where batches come from, how often to evaluate and checkpoint. */
const serviceSchema = serviceSettingsSchema
  .extend({
    /** NATS server URL(s): a list, or one string of comma-separated URLs. */
    natsServers: z
      .union([z.string(), z.array(z.string())], { error: 'must be a URL or a list of URLs' })
      .default('nats://127.0.0.1:4222')
      .transform((servers) => (Array.isArray(servers) ? servers : servers.split(',').map((s) => s.trim()).filter(Boolean))),
    /** NATS credentials and TLS. Default: none. */
    natsAuth: z.custom<NatsAuthOptions>((value) => typeof value === 'object' && value !== null, { error: 'must be an object' }).default(() => ({})),
    /** Dataset token of the subject `sim2real.batches.<source>.<dataset>`. */
    dataset: token('one subject token'),
    /** Durable consumer name. Default: `face-regressor-<source>-<dataset>`. */
    consumerName: token('a valid durable name').optional(),
    regressor: regressorSchema.prefault({}),
    /** Checkpoint folder; training resumes from it when it holds one. Default: none (no checkpoints). */
    checkpointDir: z.string().optional(),
    /** One structured log line per event. Default: JSON lines on stderr. */
    logger: z.custom<Logger>(isLogger, { error: 'must be a Logger of @sim2real/telemetry' }).default(() => jsonLineLogger()),
  })
  .transform(({ consumerName, ...options }) => ({ ...options, consumerName: consumerName ?? `face-regressor-${options.source}-${options.dataset}` }))
  .superRefine(({ natsServers }, ctx) => {
    if (natsServers.length === 0) ctx.addIssue(sentence('natsServers', 'natsServers must name at least one server.'));
  });

export type RegressorServiceOptions = z.input<typeof serviceSchema>;
export type RegressorServiceConfig = z.output<typeof serviceSchema>;

/** The service settings' defaults (what `resolveRegressorServiceConfig` fills in; the flags of `sim2real regress` show them). */
export const REGRESSOR_SERVICE_DEFAULTS = serviceSettingsSchema.parse({});

/** Fills defaults and validates. @throws RegressorConfigError naming the first bad option */
export function resolveRegressorServiceConfig(options: RegressorServiceOptions): RegressorServiceConfig {
  return parseConfig(serviceSchema, options, configError);
}
