import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Checkpointer, LastStep } from './checkpointer.js';
import type { TranslationConfig } from './config.js';
import { TrainingCancelledError } from './errors.js';
import type { HistoryPool } from './history-pool.js';
import type { SampleWriter } from './samples.js';
import { type StageRunner, locate } from './stage-runner.js';
import type { StepBatches } from './step-batches.js';
import { trainStep } from './train-step.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingModels } from './training-models.js';
import type { TrainingProgress } from './training-progress.js';

/** The pieces the loop drives. */
export interface StepLoopParts {
  modelDir: string;
  config: TranslationConfig;
  models: TrainingModels;
  stages: StageRunner;
  batches: StepBatches;
  pool: HistoryPool;
  /** Advanced step by step (`step`, `stage`). */
  state: TrainerState;
  checkpointer: Checkpointer;
  samples: SampleWriter;
  progress: TrainingProgress;
}

/**
 * Runs the steps from `state.step` to the configured total, one trainStep each, opening stages as the plan
 * reaches them, feeding λ its adversarial losses, and writing samples and checkpoints when due.
 */
export class StepLoop {
  constructor(private readonly parts: StepLoopParts) {}

  /**
   * Runs to the last step and returns its losses and λ (`last` as the run starts). On abort it writes a checkpoint
   * and throws TrainingCancelledError.
   */
  async run(last: LastStep, signal: AbortSignal | undefined): Promise<LastStep> {
    const { modelDir, config, state, checkpointer } = this.parts;
    for (let index = state.step; index < config.steps; index++) {
      if (signal?.aborted) {
        await checkpointer.write(false, last);
        throw new TrainingCancelledError(modelDir, state.step, { cause: signal.reason });
      }
      await this.#step(index, last);
      await nextTurn();
    }
    return last;
  }

  /** Runs 0-based global step `index`, updating `last`. */
  async #step(index: number, last: LastStep): Promise<void> {
    const { config, models, stages, batches, pool, state, checkpointer, samples, progress } = this.parts;
    const position = locate(config, index);
    const { runtime, opened } = await stages.enter(position, index);
    if (opened) await progress.stageStarted(position, index, runtime.schedule.lambda);
    const rates = stages.applyLearningRates(runtime, position);
    last.lambda = runtime.schedule.lambda;

    const batch = batches.draw(index);
    try {
      const task = models.task && batch.labels ? { ...models.task, labels: batch.labels } : undefined;
      const context = { ...runtime, networks: models.networks, config, lambda: last.lambda, pool, updateDiscriminator: runtime.discriminatorBaseRate > 0, discriminatorView: batch.discriminatorView, task };
      last.losses = trainStep(context, batch.x, batch.y, batch.noise);
    } finally {
      batch.dispose();
    }
    const step = index + 1;
    state.step = step;
    runtime.schedule.observe(last.losses.g_adv, step);

    const losses = { ...last.losses };
    await progress.stepDone(position.stage, step, losses, last.lambda, rates);
    if (samples.due(step)) await samples.write(position.stage, step, losses, last.lambda);
    if (checkpointer.due(step)) await checkpointer.write(false, last);
  }
}
