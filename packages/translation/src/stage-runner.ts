import { tf } from '@sim2real/tensor';
import { type StageName, type TranslationConfig, stagePlan } from './config.js';
import { LambdaSchedule, jointStageLambda } from './lambda-schedule.js';
import { learningRateAt } from './lr-schedule.js';
import { type Networks, discriminatorVariables, generatorVariables } from './train-step.js';
import { type RestoredCheckpoint, type TrainerState, restoreOptimizer } from './trainer-state.js';

/** Where a global step falls in the stage plan. */
export interface StagePosition {
  stage: StageName;
  /** 0-based index of the step within its stage. */
  stepInStage: number;
  stageSteps: number;
}

/** The stage of 0-based global step `index`; throws RangeError past the configured steps. */
export function locate(config: TranslationConfig, index: number): StagePosition {
  let offset = 0;
  for (const { stage, steps } of stagePlan(config)) {
    if (index < offset + steps) return { stage, stepInStage: index - offset, stageSteps: steps };
    offset += steps;
  }
  throw new RangeError(`step index ${index} is past the ${config.steps} configured steps`);
}

/** Learning rates of one step: G's and D's. */
export interface StepRates {
  generator: number;
  discriminator: number;
}

/** What one stage trains with: its optimizers, the variables they update, base rates and λ schedule. */
export interface StageRuntime {
  stage: StageName;
  baseRate: number;
  discriminatorBaseRate: number;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  generatorVars: tf.Variable[];
  discriminatorVars: tf.Variable[];
  schedule: LambdaSchedule;
}

/** tf.Optimizer reads `learningRate` at every update but exposes no setter; the decay schedule needs one. */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

/**
 * Opens and closes the three stages: fresh Adam optimizers per stage (restored when resuming at the checkpoint's
 * step), the stage's λ schedule (the joint stage starts frozen at jointStageLambda), and the decayed learning
 * rates of each step. Records each closed stage's λ in `state.stageLambdas`.
 */
export class StageRunner {
  #current: StageRuntime | undefined;

  constructor(
    private readonly config: TranslationConfig,
    private readonly networks: Networks,
    private readonly state: TrainerState,
    private readonly restored: RestoredCheckpoint | undefined,
  ) {}

  /** The open stage; undefined before the first step. */
  get current(): StageRuntime | undefined {
    return this.#current;
  }

  /** The stage of global step `index`, opened unless it is open already (`opened` says which). */
  async enter(position: StagePosition, index: number): Promise<{ runtime: StageRuntime; opened: boolean }> {
    if (this.#current?.stage === position.stage) return { runtime: this.#current, opened: false };
    if (this.#current) {
      this.state.stageLambdas[this.#current.stage] = this.#current.schedule.lambda;
      this.dispose();
    }
    const restored = this.restored;
    const resumeFrom = restored && restored.state.stage === position.stage && index === restored.state.step ? restored : undefined;
    const runtime = await this.#open(position.stage, resumeFrom);
    this.#current = runtime;
    this.state.stage = position.stage;
    return { runtime, opened: true };
  }

  /** Sets the open stage's optimizers to their decayed rates for the step at `position`, and returns them. */
  applyLearningRates(runtime: StageRuntime, position: StagePosition): StepRates {
    const { decayStartFraction } = this.config;
    const generator = learningRateAt(runtime.baseRate, position.stepInStage, position.stageSteps, decayStartFraction);
    const discriminator = learningRateAt(runtime.discriminatorBaseRate, position.stepInStage, position.stageSteps, decayStartFraction);
    setLearningRate(runtime.generatorOptimizer, generator);
    setLearningRate(runtime.discriminatorOptimizer, discriminator);
    return { generator, discriminator };
  }

  /** Releases the open stage's optimizers. */
  dispose(): void {
    this.#current?.generatorOptimizer.dispose();
    this.#current?.discriminatorOptimizer.dispose();
    this.#current = undefined;
  }

  async #open(stage: StageName, resumeFrom: RestoredCheckpoint | undefined): Promise<StageRuntime> {
    const { config } = this;
    const baseRate = stage === 'joint' ? config.learningRate * config.jointLearningRateScale : config.learningRate;
    const discriminatorBaseRate = stage === 'g0' ? baseRate : baseRate * config.refinementDiscriminatorRateScale;
    const adam = (): tf.Optimizer => tf.train.adam(baseRate, config.adamBeta1, config.adamBeta2, 1e-8);
    const runtime: StageRuntime = {
      stage,
      baseRate,
      discriminatorBaseRate,
      generatorOptimizer: adam(),
      discriminatorOptimizer: adam(),
      generatorVars: generatorVariables(this.networks, stage),
      discriminatorVars: discriminatorVariables(this.networks),
      schedule: this.#schedule(stage, resumeFrom),
    };
    if (resumeFrom) {
      await restoreOptimizer(runtime.generatorOptimizer, resumeFrom.dir, 'generator');
      await restoreOptimizer(runtime.discriminatorOptimizer, resumeFrom.dir, 'discriminator');
    }
    return runtime;
  }

  #schedule(stage: StageName, resumeFrom: RestoredCheckpoint | undefined): LambdaSchedule {
    const { lambda } = this.config;
    if (resumeFrom) return new LambdaSchedule(lambda, resumeFrom.state.lambda);
    if (stage === 'joint') return new LambdaSchedule(lambda, { lambda: jointStageLambda(this.state.stageLambdas), frozen: true, window: [], history: [] });
    return new LambdaSchedule(lambda);
  }
}
