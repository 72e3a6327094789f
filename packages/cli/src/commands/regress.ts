import path from 'node:path';
import { REGRESSOR_DEFAULTS, REGRESSOR_SERVICE_DEFAULTS, createRegressor, prepareTestSet, resolveRegressorServiceConfig } from '@sim2real/face-regressor';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import { loggerFrom, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { initBackend } from '@sim2real/tensor';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { DATASET_FLAGS, NATS_FLAGS, natsAuth } from '../options.js';
import { Progress } from '@sim2real/progress';
import { photosDir } from '@sim2real/datasets';
import { BACKEND_FLAGS } from './shared.js';

const REGRESS_FLAGS = defineFlags({
  ...DATASET_FLAGS,
  test: { kind: 'string', value: 'DIR', help: 'labelled test folder (labels.jsonl with coefficient vectors)', defaultText: '--test-count rendered real-style faces' },
  'test-count': { kind: 'integer', help: 'rendered test faces when no --test is given (0: no evaluation)', default: 200 },
  source: { kind: 'string', value: 'SOURCE', help: 'which batches to learn from', choices: ['adapted', 'synthetic'], default: REGRESSOR_SERVICE_DEFAULTS.source },
  checkpoint: { kind: 'string', value: 'DIR', help: 'checkpoint folder (resumed from when it holds one)', defaultText: 'none' },
  'eval-every': { kind: 'integer', help: 'steps between evaluations', default: REGRESSOR_SERVICE_DEFAULTS.evalEverySteps, min: 1 },
  'checkpoint-every': { kind: 'integer', help: 'steps between checkpoints', default: REGRESSOR_SERVICE_DEFAULTS.checkpointEverySteps, min: 1 },
  'max-batches': { kind: 'integer', help: 'stop after N batches (0: never)', default: REGRESSOR_SERVICE_DEFAULTS.maxBatches },
  'steps-per-batch': { kind: 'integer', help: 'optimiser steps per batch (0: one pass over its samples)', default: REGRESSOR_SERVICE_DEFAULTS.stepsPerBatch, max: 1000 },
  size: { kind: 'integer', help: 'network input size (multiple of 16)', default: REGRESSOR_DEFAULTS.imageSize, min: 16, max: 512 },
  outputs: { kind: 'integer', help: 'coefficients regressed', default: REGRESSOR_DEFAULTS.outputs, min: 1, max: 10_000 },
  photos: { kind: 'string', value: 'DIR', help: 'backgrounds of rendered test faces', env: 'SIM2REAL_PHOTOS_DIR', defaultText: '../shared/data/photos' },
  ...BACKEND_FLAGS,
  ...NATS_FLAGS,
});

export const regressCommand: CommandSpec = defineCommand({
  name: 'regress',
  synopsis: '--dataset NAME [--test DIR] [options]',
  description: `The 3DMM regression consumer: a durable pull consumer of sim2real.batches.adapted.<NAME> (or
.synthetic.<NAME> with --source synthetic, the baseline) that trains a small ResNet online on each
batch (label = coefficient vector) and reports its MSE on a held-out real-style test set at
intervals. Runs until interrupted (Ctrl-C: finishes the batch in hand, evaluates, checkpoints) or
until --max-batches.`,
  flags: REGRESS_FLAGS,
  epilogue: `Example:
  sim2real regress --dataset faces --test bench/faces/test --checkpoint models/regressor`,
  run: runRegress,
});

async function runRegress(flags: FlagValues<typeof REGRESS_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { dataset, source, 'max-batches': maxBatches, checkpoint: checkpointDir, test: testDir } = flags;
  const config = resolveRegressorServiceConfig({
    natsServers: flags.nats,
    natsAuth: natsAuth(flags, 'regress'),
    dataset,
    source,
    checkpointDir: checkpointDir && path.resolve(checkpointDir),
    evalEverySteps: flags['eval-every'],
    checkpointEverySteps: flags['checkpoint-every'],
    maxBatches,
    stepsPerBatch: flags['steps-per-batch'],
    regressor: { imageSize: flags.size, outputs: flags.outputs },
    logger: loggerFrom((_level, event, fields) => {
      if (event !== 'regressor.eval' && !ctx.interactive) ctx.stderr.write(`${JSON.stringify({ event, ...fields })}\n`);
      if (event === 'regressor.eval') ctx.stderr.write(`${ctx.interactive ? '\n' : ''}${JSON.stringify({ event, ...fields })}\n`);
    }),
  });
  await initBackend({ backend: flags.backend });
  const test = await prepareTestSet({
    dir: testDir && path.resolve(testDir),
    count: flags['test-count'],
    size: config.regressor.imageSize,
    outputs: config.regressor.outputs,
    photosDir: photosDir(flags.photos, ctx.env),
    signal: ctx.signal,
  });

  const telemetry = startTelemetry(telemetryOptionsFromEnv(ctx.env, 'sim2real-face-regressor'));
  try {
    const regressor = await createRegressor(config, { test });
    const onAbort = (): void => void regressor.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const progress = new Progress({ label: 'regress', total: maxBatches, stream: ctx.stderr, interactive: ctx.interactive, unit: 'batches' });
    const report = (): void => {
      const s = regressor.stats();
      progress.update(s.batches, { steps: s.steps, samples: s.samples, ...(s.lastLoss === undefined ? {} : { loss: s.lastLoss }), ...(s.lastEvalMse === undefined ? {} : { test_mse: s.lastEvalMse }) });
    };
    const timer = setInterval(report, 1000);
    try {
      const stats = await regressor.done;
      report();
      progress.finish();
      ctx.stdout.write(`${JSON.stringify({ event: 'regress.done', dataset, source, ...stats })}\n`);
    } finally {
      clearInterval(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      regressor.trainer.dispose();
    }
    return 0;
  } finally {
    await telemetry.shutdown();
  }
}
