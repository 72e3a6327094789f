import type { SourceLabels } from '@sim2real/datasets';
import { tf } from '@sim2real/tensor';
import { type ModelManifest, MODEL_FORMAT, MODEL_FORMAT_VERSION, commitCheckpoint } from './checkpoint.js';
import type { TranslationConfig } from './config.js';
import type { HistoryPool } from './history-pool.js';
import { labelSetRecord } from './label-consistency.js';
import type { StageRunner } from './stage-runner.js';
import type { StepLosses } from './train-step.js';
import { type TrainerState, writeCheckpointParts } from './trainer-state.js';
import type { TrainingModels } from './training-models.js';
import type { TrainingProgress } from './training-progress.js';

/** The losses and λ of the last step run (the stored ones before the first step of this run). */
export interface LastStep {
  losses: StepLosses | undefined;
  lambda: number;
}

/** What a checkpoint is written from. */
export interface CheckpointerParts {
  modelDir: string;
  config: TranslationConfig;
  models: TrainingModels;
  stages: StageRunner;
  pool: HistoryPool;
  state: TrainerState;
  /** The source labels of a label-consistent run. */
  labels: SourceLabels | undefined;
  degradedReasons: readonly string[];
  progress: TrainingProgress;
  /** Training time so far, this run and the runs it resumes, in ms. */
  wallTimeMs: () => number;
}

/** Writes the run's checkpoints (networks, open stage's optimizers, pool, trainer state) and the manifest naming them. */
export class Checkpointer {
  constructor(private readonly parts: CheckpointerParts) {}

  /** A checkpoint is due after step `step` (1-based) every checkpointEverySteps, the last step excepted (it always writes one). */
  due(step: number): boolean {
    return step % this.parts.config.checkpointEverySteps === 0 && step < this.parts.config.steps;
  }

  /** Commits a checkpoint of the run as it stands; `complete` marks the one after the last step. */
  async write(complete: boolean, last: LastStep): Promise<ModelManifest> {
    const { modelDir, config, models, stages, pool, state, labels, degradedReasons, progress } = this.parts;
    const { networks, task } = models;
    const runtime = stages.current;
    const wallTimeMs = this.parts.wallTimeMs();
    const stage = runtime?.stage ?? state.stage;
    const snapshot: TrainerState = {
      ...state,
      stage,
      lambda: runtime?.schedule.snapshot() ?? state.lambda,
      finalLosses: last.losses,
      wallTimeMs,
    };
    const manifest = await commitCheckpoint(
      modelDir,
      {
        format: MODEL_FORMAT,
        version: MODEL_FORMAT_VERSION,
        created: state.created,
        updated: new Date().toISOString(),
        backend: tf.getBackend(),
        config,
        stage,
        step: state.step,
        totalSteps: config.steps,
        complete,
        hasAttention: networks.attention !== undefined && stage !== 'g0',
        degraded: degradedReasons.length > 0,
        degradedReasons: [...degradedReasons],
        ...(labels ? { labelConsistency: labelSetRecord(labels) } : {}),
        metrics: {
          finalLosses: { ...last.losses },
          lambda: last.lambda,
          stageLambdas: { ...state.stageLambdas, [stage]: runtime?.schedule.lambda ?? last.lambda },
          steps: state.step,
          wallTimeMs,
        },
      },
      (dir) =>
        writeCheckpointParts(dir, {
          networks,
          withAttention: stage !== 'g0',
          task: task?.network,
          optimizers: runtime ? { generator: runtime.generatorOptimizer, discriminator: runtime.discriminatorOptimizer, task: task?.optimizer } : undefined,
          pool,
          state: snapshot,
        }),
    );
    await progress.checkpointWritten(stage, state.step, { ...last.losses }, last.lambda, manifest.checkpoint);
    return manifest;
  }
}
