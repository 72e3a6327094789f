import path from 'node:path';
import { createRegressor, prepareTestSet, resolveRegressorServiceConfig } from '@sim2real/face-regressor';
import { startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { initBackend } from '@sim2real/tensor';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { NATS_AUTH_HELP, NATS_OPTION, natsAuth, natsUrl, optionalInt, optionalString, requireString } from '../options.js';
import { Progress } from '../progress.js';
import { photosDir } from './face-translation.js';
import { backendChoice } from './shared.js';

const USAGE = `Usage: sim2real regress --dataset NAME [--test DIR] [options]

The 3DMM regression consumer: a durable pull consumer of sim2real.batches.adapted.<NAME> (or
.synthetic.<NAME> with --source synthetic, the baseline) that trains a small ResNet online on each
batch (label = coefficient vector) and reports its MSE on a held-out real-style test set at
intervals. Runs until interrupted (Ctrl-C: finishes the batch in hand, evaluates, checkpoints) or
until --max-batches.

Options:
  --dataset NAME          dataset name (required)
  --test DIR              labelled test folder (labels.jsonl with coefficient vectors)
                          [default: --test-count rendered real-style faces]
  --test-count N          rendered test faces when no --test is given (0: no evaluation)  [default: 200]
  --source SOURCE         adapted or synthetic                                  [default: adapted]
  --checkpoint DIR        checkpoint folder (resumed from when it holds one)    [default: none]
  --eval-every N          steps between evaluations                             [default: 100]
  --checkpoint-every N    steps between checkpoints                             [default: 200]
  --max-batches N         stop after N batches (0: never)                       [default: 0]
  --steps-per-batch N     optimiser steps per batch (0: one pass over its samples) [default: 0]
  --size N                network input size (multiple of 16)                   [default: 64]
  --outputs N             coefficients regressed                                [default: 100]
  --photos DIR            backgrounds of rendered test faces [default: SIM2REAL_PHOTOS_DIR, then ../shared/data/photos]
  --backend NAME          auto | tensorflow-gpu | tensorflow | wasm | cpu (also TFJS_BACKEND)
  --nats URL              NATS server                [default: NATS_URL, then nats://127.0.0.1:4222]
${NATS_AUTH_HELP}

Example:
  sim2real regress --dataset faces --test bench/faces/test --checkpoint models/regressor
`;

export const regressCommand: CommandSpec = {
  name: 'regress',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    test: { type: 'string' },
    'test-count': { type: 'string' },
    source: { type: 'string' },
    checkpoint: { type: 'string' },
    'eval-every': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'max-batches': { type: 'string' },
    'steps-per-batch': { type: 'string' },
    size: { type: 'string' },
    outputs: { type: 'string' },
    photos: { type: 'string' },
    backend: { type: 'string' },
    ...NATS_OPTION,
  },
  run: runRegress,
};

async function runRegress(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = regressCommand.name;
  const dataset = requireString(options, 'dataset', name);
  const source = optionalString(options, 'source') ?? 'adapted';
  if (source !== 'adapted' && source !== 'synthetic') throw new UsageError(`--source must be "adapted" or "synthetic", got "${source}".`, name);
  const maxBatches = optionalInt(options, 'max-batches', name) ?? 0;
  const checkpointDir = optionalString(options, 'checkpoint');
  const config = resolveRegressorServiceConfig({
    natsServers: natsUrl(options, ctx.env),
    natsAuth: natsAuth(options, ctx.env, 'regress'),
    dataset,
    source,
    checkpointDir: checkpointDir && path.resolve(checkpointDir),
    evalEverySteps: optionalInt(options, 'eval-every', name, { min: 1 }),
    checkpointEverySteps: optionalInt(options, 'checkpoint-every', name, { min: 1 }),
    maxBatches,
    stepsPerBatch: optionalInt(options, 'steps-per-batch', name, { max: 1000 }),
    regressor: {
      imageSize: optionalInt(options, 'size', name, { min: 16, max: 512 }),
      outputs: optionalInt(options, 'outputs', name, { min: 1, max: 10_000 }),
    },
    logger: (event, fields = {}) => {
      if (event !== 'regressor.eval' && !ctx.interactive) ctx.stderr.write(`${JSON.stringify({ event, ...fields })}\n`);
      if (event === 'regressor.eval') ctx.stderr.write(`${ctx.interactive ? '\n' : ''}${JSON.stringify({ event, ...fields })}\n`);
    },
  });
  await initBackend({ backend: backendChoice(optionalString(options, 'backend') ?? ctx.env.TFJS_BACKEND, name) });
  const testDir = optionalString(options, 'test');
  const test = await prepareTestSet({
    dir: testDir && path.resolve(testDir),
    count: optionalInt(options, 'test-count', name) ?? 200,
    size: config.regressor.imageSize,
    outputs: config.regressor.outputs,
    photosDir: photosDir(options, ctx.env),
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
