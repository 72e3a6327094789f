import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SourceLabels } from '@sim2real/datasets';
import type { ImageSet } from '@sim2real/imaging';
import { writeTrainingReport } from '@sim2real/report';
import { tf } from '@sim2real/tensor';
import { adaptationWarnings } from './adaptation.js';
import { type ModelManifest, MODEL_FORMAT, MODEL_FORMAT_VERSION, commitCheckpoint, readModelManifest } from './checkpoint.js';
import { type StageName, type TranslationConfig, stagePlan } from './config.js';
import { ConfigError, ModelLoadError, TrainingCancelledError } from './errors.js';
import { HistoryPool } from './history-pool.js';
import { LambdaSchedule, jointStageLambda } from './lambda-schedule.js';
import { checkSourceLabels, labelBatch, labelSetRecord, taskOutputs } from './label-consistency.js';
import { learningRateAt } from './lr-schedule.js';
import { buildAttention } from './networks/attention.js';
import { buildDiscriminator } from './networks/discriminator.js';
import { buildGenerator } from './networks/generator.js';
import { buildTaskNetwork } from './networks/task.js';
import { type VggWeights, buildPerceptualNetwork, disposeVggWeights, loadVggWeights } from './networks/vgg.js';
import { SeededRandom } from '@sim2real/random';
import { augmentForDiscriminator } from './discriminator-augment.js';
import { EpochSampler } from './epoch-sampler.js';
import { trainingNoise } from './noise.js';
import { renderSampleGrid } from './samples.js';
import { type Networks, type StepLosses, type TaskStep, discriminatorVariables, generatorVariables, sourceBatch, trainStep } from './train-step.js';
import { type RestoredCheckpoint, type TrainerState, readCheckpointParts, restoreOptimizer, writeCheckpointParts } from './trainer-state.js';

export interface TrainRequest {
  /** Synthetic images (domain X), at config.imageSize. */
  source: ImageSet;
  /** Real images (domain Y), at config.imageSize. */
  target: ImageSet;
  /** The labels of the source images, one per image in `source`'s order; required exactly when config.labelConsistent. */
  sourceLabels?: SourceLabels;
  /** Folder the model version is written to (manifest, checkpoint, samples/, train-log.jsonl, report.html). */
  modelDir: string;
  config: TranslationConfig;
  /** VGG-19 weights (tfjs layers format); without them training runs in the announced degraded mode. */
  vggDir?: string;
  /** Continue from the checkpoint in modelDir (stage, step, λ, optimizer state); its stored config wins. */
  resume?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: TrainingEvent) => void;
}

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

export interface TrainResult {
  modelDir: string;
  steps: number;
  stage: StageName;
  finalLosses: Record<string, number>;
  lambda: number;
  wallTimeMs: number;
  degraded: boolean;
}

/** Tag of the random stream of D's augmentations, drawn per step so that a resumed run repeats them. */
const AUGMENT_STREAM = 0x61756720;

interface StagePosition {
  stage: StageName;
  stepInStage: number;
  stageSteps: number;
}

function locate(config: TranslationConfig, index: number): StagePosition {
  let offset = 0;
  for (const { stage, steps } of stagePlan(config)) {
    if (index < offset + steps) return { stage, stepInStage: index - offset, stageSteps: steps };
    offset += steps;
  }
  throw new RangeError(`step index ${index} is past the ${config.steps} configured steps`);
}

/** tf.Optimizer reads `learningRate` at every update but exposes no setter; the decay schedule needs one. */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

interface StageRuntime {
  stage: StageName;
  baseRate: number;
  discriminatorBaseRate: number;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  generatorVars: tf.Variable[];
  discriminatorVars: tf.Variable[];
  schedule: LambdaSchedule;
}

function checkImageSet(set: ImageSet, field: 'source' | 'target', size: number): void {
  if (set.count < 1) throw new ConfigError(field, `The ${field} image set is empty.`);
  if (set.size !== size) throw new ConfigError(field, `The ${field} images are ${set.size} px but the model's imageSize is ${size} px.`);
}

/**
 * The source labels a run learns from: undefined for an unsupervised run; checked against the source images and,
 * on resume, against the label set the model was trained on. Throws ConfigError with the reason.
 */
function labelsFor(config: TranslationConfig, labels: SourceLabels | undefined, sourceCount: number, previous: ModelManifest | undefined): SourceLabels | undefined {
  if (!config.labelConsistent) {
    if (labels) throw new ConfigError('sourceLabels', 'Source labels were given but labelConsistent is false; set it to train label-consistent.');
    return undefined;
  }
  if (!labels) throw new ConfigError('sourceLabels', 'labelConsistent training needs the source images\' labels (sourceLabels).');
  checkSourceLabels(labels, sourceCount);
  const recorded = previous?.labelConsistency?.sha256;
  if (recorded !== undefined && recorded !== labelSetRecord(labels).sha256) {
    throw new ConfigError('sourceLabels', 'The source labels differ from those the model was trained on; resume with the same labelled source.');
  }
  return labels;
}

async function readResumable(modelDir: string): Promise<ModelManifest | undefined> {
  try {
    return await readModelManifest(modelDir);
  } catch (error) {
    if (error instanceof ModelLoadError && error.reason.includes('missing')) return undefined;
    throw error;
  }
}

/**
 * Trains G0 (stage 1), the attention branch with G0 frozen (stage 2) and both jointly at a lower rate
 * (stage 3), writing checkpoints, samples and a log into `modelDir`. Adam moments are checkpointed and
 * restored on resume; the sampling order after a resume is a fresh seeded one.
 */
export async function train(request: TrainRequest): Promise<TrainResult> {
  const started = performance.now();
  const { modelDir, signal, vggDir } = request;
  const emit = (event: TrainingEvent): void => request.onEvent?.(event);
  const logPath = join(modelDir, 'train-log.jsonl');
  const log = (entry: object): Promise<void> => appendFile(logPath, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

  await mkdir(join(modelDir, 'samples'), { recursive: true });
  const previous = request.resume ? await readResumable(modelDir) : undefined;
  if (!previous) await writeFile(logPath, '');
  const config = previous?.config ?? request.config;
  checkImageSet(request.source, 'source', config.imageSize);
  checkImageSet(request.target, 'target', config.imageSize);
  const labels = labelsFor(config, request.sourceLabels, request.source.count, previous);
  const totalSteps = config.steps;

  const warnings: string[] = [];
  const warn = async (message: string, stage: StageName, step: number): Promise<void> => {
    warnings.push(message);
    emit({ kind: 'warning', stage, step, totalSteps, losses: {}, lambda: 0, message });
    await log({ event: 'warning', step, message });
  };
  /** Rebuilds report.html from the log and samples so far; a report that fails to write is a warning, not a failed run. */
  const refreshReport = async (stage: StageName, step: number): Promise<void> => {
    await writeTrainingReport({ modelDir, config }).catch((error: unknown) => warn(`report.html was not updated: ${error instanceof Error ? error.message : String(error)}`, stage, step));
  };
  if (request.resume && !previous) await warn(`Nothing to resume in ${modelDir}; starting a new training run.`, 'g0', 0);
  if (previous && JSON.stringify(previous.config) !== JSON.stringify(request.config)) {
    await warn('Resuming with the configuration stored in the model folder; the configuration passed in was ignored.', previous.stage, previous.step);
  }

  let vgg: VggWeights | undefined;
  const degradedReasons: string[] = [];
  if (vggDir) {
    vgg = await loadVggWeights(vggDir);
  } else {
    degradedReasons.push('no VGG-19 weights: pixel L1 self-regularisation instead of the perceptual loss');
    if (config.attention) degradedReasons.push('no VGG-19 weights: attention encoder initialised randomly');
    await warn(
      `DEGRADED MODE: no VGG-19 weights were given, so ${degradedReasons.map((r) => r.replace('no VGG-19 weights: ', '')).join(' and ')}; results will be worse than the paper's. Pass vggDir (--vgg) to fix this.`,
      previous?.stage ?? 'g0',
      previous?.step ?? 0,
    );
  }

  if (!previous) {
    for (const message of adaptationWarnings(config, { sourceImages: request.source.count, targetImages: request.target.count })) await warn(message, 'g0', 0);
  }

  let restored: RestoredCheckpoint | undefined;
  let networks: Networks | undefined;
  let runtime: StageRuntime | undefined;
  let task: Omit<TaskStep, 'labels'> | undefined;
  try {
    if (previous) restored = await readCheckpointParts(join(modelDir, previous.checkpoint), previous.hasAttention, previous.labelConsistency !== undefined);
    networks = {
      g0: restored?.g0 ?? buildGenerator(config),
      attention: config.attention ? (restored?.attention ?? buildAttention(config, vgg)) : undefined,
      discriminator: restored?.discriminator ?? buildDiscriminator(config),
      perceptual: vgg ? buildPerceptualNetwork(config.perceptualLayers, vgg) : undefined,
    };
    const nets = networks;
    if (labels) {
      const network = restored?.task ?? buildTaskNetwork(config, taskOutputs(labels));
      const optimizer = tf.train.adam(config.taskLearningRate);
      task = { network, optimizer, variables: network.trainableWeights.map((w) => w.read() as tf.Variable), kind: labels.kind };
      if (restored) await restoreOptimizer(optimizer, restored.dir, 'task');
    }
    const random = new SeededRandom(config.seed + 7 * (previous?.step ?? 0));
    const sourceSampler = new EpochSampler(request.source.count, random);
    const targetSampler = new EpochSampler(request.target.count, random);
    const pool = new HistoryPool(config.historyPoolSize, random);
    if (restored) pool.restore(restored.pool, config.imageSize * config.imageSize * 3);

    const state: TrainerState = restored?.state ?? {
      stage: 'g0',
      step: 0,
      lambda: new LambdaSchedule(config.lambda).snapshot(),
      stageLambdas: {},
      finalLosses: undefined,
      wallTimeMs: 0,
      created: new Date().toISOString(),
    };
    const priorWallTimeMs = state.wallTimeMs;
    let losses: StepLosses | undefined = state.finalLosses;
    let lambdaUsed = state.lambda.lambda;

    const openStage = async (stage: StageName, resumeFrom: RestoredCheckpoint | undefined): Promise<StageRuntime> => {
      const baseRate = stage === 'joint' ? config.learningRate * config.jointLearningRateScale : config.learningRate;
      const discriminatorBaseRate = stage === 'g0' ? baseRate : baseRate * config.refinementDiscriminatorRateScale;
      const adam = (): tf.Optimizer => tf.train.adam(baseRate, config.adamBeta1, config.adamBeta2, 1e-8);
      let schedule: LambdaSchedule;
      if (resumeFrom) {
        schedule = new LambdaSchedule(config.lambda, resumeFrom.state.lambda);
      } else if (stage === 'joint') {
        schedule = new LambdaSchedule(config.lambda, { lambda: jointStageLambda(state.stageLambdas), frozen: true, window: [], history: [] });
      } else {
        schedule = new LambdaSchedule(config.lambda);
      }
      const rt: StageRuntime = {
        stage,
        baseRate,
        discriminatorBaseRate,
        generatorOptimizer: adam(),
        discriminatorOptimizer: adam(),
        generatorVars: generatorVariables(nets, stage),
        discriminatorVars: discriminatorVariables(nets),
        schedule,
      };
      if (resumeFrom) {
        await restoreOptimizer(rt.generatorOptimizer, resumeFrom.dir, 'generator');
        await restoreOptimizer(rt.discriminatorOptimizer, resumeFrom.dir, 'discriminator');
      }
      return rt;
    };

    const checkpoint = async (complete: boolean): Promise<ModelManifest> => {
      const wallTimeMs = priorWallTimeMs + (performance.now() - started);
      const stage = runtime?.stage ?? state.stage;
      const snapshot: TrainerState = {
        ...state,
        stage,
        lambda: runtime?.schedule.snapshot() ?? state.lambda,
        finalLosses: losses,
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
          totalSteps,
          complete,
          hasAttention: nets.attention !== undefined && stage !== 'g0',
          degraded: degradedReasons.length > 0,
          degradedReasons,
          ...(labels ? { labelConsistency: labelSetRecord(labels) } : {}),
          metrics: {
            finalLosses: { ...losses },
            lambda: lambdaUsed,
            stageLambdas: { ...state.stageLambdas, [stage]: runtime?.schedule.lambda ?? lambdaUsed },
            steps: state.step,
            wallTimeMs,
          },
        },
        (dir) =>
          writeCheckpointParts(dir, {
            networks: nets,
            withAttention: stage !== 'g0',
            task: task?.network,
            optimizers: runtime ? { generator: runtime.generatorOptimizer, discriminator: runtime.discriminatorOptimizer, task: task?.optimizer } : undefined,
            pool,
            state: snapshot,
          }),
      );
      emit({ kind: 'checkpoint', stage, step: state.step, totalSteps, losses: { ...losses }, lambda: lambdaUsed, message: manifest.checkpoint });
      await log({ event: 'checkpoint', step: state.step, stage, checkpoint: manifest.checkpoint });
      return manifest;
    };

    for (let index = state.step; index < totalSteps; index++) {
      if (signal?.aborted) {
        await checkpoint(false);
        throw new TrainingCancelledError(modelDir, state.step, { cause: signal.reason });
      }
      const position = locate(config, index);
      if (runtime?.stage !== position.stage) {
        if (runtime) {
          state.stageLambdas[runtime.stage] = runtime.schedule.lambda;
          runtime.generatorOptimizer.dispose();
          runtime.discriminatorOptimizer.dispose();
        }
        const resumeFrom = restored && restored.state.stage === position.stage && index === restored.state.step ? restored : undefined;
        runtime = await openStage(position.stage, resumeFrom);
        state.stage = position.stage;
        emit({ kind: 'stage', stage: position.stage, step: index, totalSteps, losses: {}, lambda: runtime.schedule.lambda, message: `stage ${position.stage}: ${position.stageSteps} steps` });
        await log({ event: 'stage', step: index, stage: position.stage, stageSteps: position.stageSteps, lambda: runtime.schedule.lambda });
        await refreshReport(position.stage, index);
      }
      const rate = learningRateAt(runtime.baseRate, position.stepInStage, position.stageSteps, config.decayStartFraction);
      const discriminatorRate = learningRateAt(runtime.discriminatorBaseRate, position.stepInStage, position.stageSteps, config.decayStartFraction);
      setLearningRate(runtime.generatorOptimizer, rate);
      setLearningRate(runtime.discriminatorOptimizer, discriminatorRate);
      lambdaUsed = runtime.schedule.lambda;

      const sourceIndices = sourceBatch(config, (count) => sourceSampler.take(count));
      const x = request.source.batch(sourceIndices);
      const y = request.target.batch(targetSampler.take(config.batchSize));
      const taskStep = task && labels ? { ...task, labels: labelBatch(labels, sourceIndices) } : undefined;
      const noise = trainingNoise(config.seed, index, config.batchSize, config.noiseSize);
      const augmentRandom = SeededRandom.fromSeeds(config.seed, index, AUGMENT_STREAM);
      const discriminatorView = (images: tf.Tensor4D): tf.Tensor4D => augmentForDiscriminator(images, config.discriminatorAugment, augmentRandom);
      try {
        const context = { ...runtime, networks: nets, config, lambda: lambdaUsed, pool, updateDiscriminator: runtime.discriminatorBaseRate > 0, discriminatorView, task: taskStep };
        losses = trainStep(context, x, y, noise);
      } finally {
        tf.dispose([x, y, ...(noise ? [noise] : []), ...(taskStep ? [taskStep.labels] : [])]);
      }
      const step = index + 1;
      state.step = step;
      runtime.schedule.observe(losses.g_adv, step);

      const record = { ...losses };
      emit({ kind: 'step', stage: position.stage, step, totalSteps, losses: record, lambda: lambdaUsed });
      if (step % config.logEverySteps === 0 || step % config.sampleEverySteps === 0 || step === totalSteps) {
        await log({ event: 'step', step, stage: position.stage, lambda: lambdaUsed, learningRate: rate, discriminatorLearningRate: discriminatorRate, losses: record });
      }
      if (step % config.sampleEverySteps === 0 || step === totalSteps) {
        const png = await renderSampleGrid(nets, position.stage, request.source, config.sampleImages);
        await writeFile(join(modelDir, 'samples', `step-${String(step).padStart(6, '0')}.png`), png);
        emit({ kind: 'sample', stage: position.stage, step, totalSteps, losses: record, lambda: lambdaUsed, samplePng: png });
        await refreshReport(position.stage, step);
      }
      if (step % config.checkpointEverySteps === 0 && step < totalSteps) await checkpoint(false);
      await nextTurn();
    }

    const manifest = await checkpoint(true);
    const result: TrainResult = {
      modelDir,
      steps: state.step,
      stage: manifest.stage,
      finalLosses: manifest.metrics.finalLosses,
      lambda: manifest.metrics.lambda,
      wallTimeMs: manifest.metrics.wallTimeMs,
      degraded: manifest.degraded,
    };
    emit({ kind: 'done', stage: result.stage, step: result.steps, totalSteps, losses: result.finalLosses, lambda: result.lambda, message: manifest.checkpoint });
    await log({ event: 'done', ...result });
    await refreshReport(result.stage, result.steps);
    return result;
  } finally {
    runtime?.generatorOptimizer.dispose();
    runtime?.discriminatorOptimizer.dispose();
    task?.optimizer.dispose();
    if (networks) {
      for (const model of [networks.g0, networks.attention, networks.discriminator, networks.perceptual, task?.network]) model?.dispose();
    }
    disposeVggWeights(vgg);
  }
}
