import type { RegressorConfig } from './config.js';
import type { LabelledImage, SampleStore } from './sample-store.js';
import { RegressorTrainer, type Evaluation } from './trainer.js';

export interface FitOptions {
  readonly config: RegressorConfig;
  readonly train: readonly LabelledImage[];
  readonly test: SampleStore;
  readonly steps: number;
  /** Evaluate on `test` every this many steps (and at the end). @default steps */
  readonly evalEverySteps?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, loss: number) => void;
  readonly onEval?: (step: number, evaluation: Evaluation) => void;
}

export interface FitResult {
  readonly evaluation: Evaluation;
  readonly finalLoss: number;
  readonly wallTimeMs: number;
}

/** Offline training from a fixed set (the benchmark's rows): the online trainer fed once with every sample. */
export async function fitRegressor(options: FitOptions): Promise<FitResult> {
  const started = performance.now();
  const trainer = await RegressorTrainer.create({ ...options.config, replayCapacity: Math.max(1, options.train.length) });
  try {
    await trainer.addSamples(options.train);
    const evalEvery = options.evalEverySteps ?? options.steps;
    let loss = Number.NaN;
    for (let step = 1; step <= options.steps; step++) {
      options.signal?.throwIfAborted();
      loss = await trainer.trainStep();
      options.onStep?.(step, loss);
      if (step % evalEvery === 0 && step !== options.steps) options.onEval?.(step, trainer.evaluate(options.test));
    }
    const evaluation = trainer.evaluate(options.test);
    options.onEval?.(options.steps, evaluation);
    return { evaluation, finalLoss: loss, wallTimeMs: performance.now() - started };
  } finally {
    trainer.dispose();
  }
}
