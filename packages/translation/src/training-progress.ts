import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTrainingReport } from '@sim2real/report';
import type { StageName, TranslationConfig } from './config.js';
import type { StagePosition, StepRates } from './stage-runner.js';

/** One event of a training run, as `train`'s `onEvent` receives it. */
export interface TrainingEvent {
  kind: 'step' | 'sample' | 'checkpoint' | 'stage' | 'warning' | 'done';
  stage: StageName;
  /** Global step, 1-based (the last completed step; 0 before the first). */
  step: number;
  totalSteps: number;
  /** Losses of the step (g_adv, g_reg, g_total, d); empty where no step ran yet. */
  losses: Record<string, number>;
  /** λ used by the step. */
  lambda: number;
  /** PNG of input | G0 | attention | output rows ('sample' events). */
  samplePng?: Uint8Array;
  message?: string;
}

/** What `train` returns once the last step's checkpoint is written. */
export interface TrainResult {
  modelDir: string;
  steps: number;
  stage: StageName;
  finalLosses: Record<string, number>;
  lambda: number;
  wallTimeMs: number;
  degraded: boolean;
}

/**
 * Tells the world how a run goes: a `TrainingEvent` to the caller, a line in `train-log.jsonl` and a fresh
 * `report.html`, each where the run's cadence (`logEverySteps`, `sampleEverySteps`) asks for it.
 */
export class TrainingProgress {
  readonly #logPath: string;

  constructor(
    private readonly modelDir: string,
    private readonly config: TranslationConfig,
    private readonly onEvent: ((event: TrainingEvent) => void) | undefined,
  ) {
    this.#logPath = join(modelDir, 'train-log.jsonl');
  }

  /** Empties `train-log.jsonl` for a run that starts afresh. */
  async clearLog(): Promise<void> {
    await writeFile(this.#logPath, '');
  }

  async warn(message: string, stage: StageName, step: number): Promise<void> {
    this.#emit({ kind: 'warning', stage, step, totalSteps: this.config.steps, losses: {}, lambda: 0, message });
    await this.#log({ event: 'warning', step, message });
  }

  /** Rebuilds report.html from the log and samples so far; a report that fails to write is a warning, not a failed run. */
  async refreshReport(stage: StageName, step: number): Promise<void> {
    await writeTrainingReport({ modelDir: this.modelDir, config: this.config }).catch((error: unknown) =>
      this.warn(`report.html was not updated: ${error instanceof Error ? error.message : String(error)}`, stage, step),
    );
  }

  /** A stage opened before global step `step` (0-based index of its first step). */
  async stageStarted(position: StagePosition, step: number, lambda: number): Promise<void> {
    const { stage, stageSteps } = position;
    this.#emit({ kind: 'stage', stage, step, totalSteps: this.config.steps, losses: {}, lambda, message: `stage ${stage}: ${stageSteps} steps` });
    await this.#log({ event: 'stage', step, stage, stageSteps, lambda });
    await this.refreshReport(stage, step);
  }

  /** Step `step` (1-based) finished with `losses`; logged every logEverySteps, every sample step and at the last step. */
  async stepDone(stage: StageName, step: number, losses: Record<string, number>, lambda: number, rates: StepRates): Promise<void> {
    const { steps, logEverySteps, sampleEverySteps } = this.config;
    this.#emit({ kind: 'step', stage, step, totalSteps: steps, losses, lambda });
    if (step % logEverySteps === 0 || step % sampleEverySteps === 0 || step === steps) {
      await this.#log({ event: 'step', step, stage, lambda, learningRate: rates.generator, discriminatorLearningRate: rates.discriminator, losses });
    }
  }

  async sampleWritten(stage: StageName, step: number, losses: Record<string, number>, lambda: number, samplePng: Uint8Array): Promise<void> {
    this.#emit({ kind: 'sample', stage, step, totalSteps: this.config.steps, losses, lambda, samplePng });
    await this.refreshReport(stage, step);
  }

  async checkpointWritten(stage: StageName, step: number, losses: Record<string, number>, lambda: number, checkpoint: string): Promise<void> {
    this.#emit({ kind: 'checkpoint', stage, step, totalSteps: this.config.steps, losses, lambda, message: checkpoint });
    await this.#log({ event: 'checkpoint', step, stage, checkpoint });
  }

  /** The run finished; `checkpoint` is the folder of its last checkpoint. */
  async done(result: TrainResult, checkpoint: string): Promise<void> {
    this.#emit({ kind: 'done', stage: result.stage, step: result.steps, totalSteps: this.config.steps, losses: result.finalLosses, lambda: result.lambda, message: checkpoint });
    await this.#log({ event: 'done', ...result });
    await this.refreshReport(result.stage, result.steps);
  }

  #emit(event: TrainingEvent): void {
    this.onEvent?.(event);
  }

  #log(entry: object): Promise<void> {
    return appendFile(this.#logPath, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  }
}
