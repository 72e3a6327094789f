import { join } from 'node:path';
import { SeededRandom } from '@sim2real/random';
import { adaptationWarnings } from './adaptation.js';
import { Checkpointer } from './checkpointer.js';
import { loadPerceptualWeights } from './degraded-mode.js';
import { HistoryPool } from './history-pool.js';
import { disposeVggWeights } from './networks/vgg.js';
import { type TrainRequest, prepareRun } from './run-setup.js';
import { SampleWriter } from './samples.js';
import { StageRunner } from './stage-runner.js';
import { StepBatches } from './step-batches.js';
import { StepLoop } from './step-loop.js';
import { freshTrainerState, readCheckpointParts } from './trainer-state.js';
import { TrainingModels } from './training-models.js';
import type { TrainResult } from './training-progress.js';

/**
 * Trains G0 (stage 1), the attention branch with G0 frozen (stage 2) and both jointly at a lower rate
 * (stage 3), writing checkpoints, samples and a log into `modelDir`. Adam moments are checkpointed and
 * restored on resume; the sampling order after a resume is a fresh seeded one.
 */
export async function train(request: TrainRequest): Promise<TrainResult> {
  const started = performance.now();
  const { modelDir, source, target } = request;
  const { previous, config, labels, progress } = await prepareRun(request);
  const { vgg, degradedReasons } = await loadPerceptualWeights(request.vggDir, config, progress, { stage: previous?.stage ?? 'g0', step: previous?.step ?? 0 });
  if (!previous) {
    for (const message of adaptationWarnings(config, { sourceImages: source.count, targetImages: target.count })) await progress.warn(message, 'g0', 0);
  }

  let models: TrainingModels | undefined;
  let stages: StageRunner | undefined;
  try {
    const restored = previous ? await readCheckpointParts(join(modelDir, previous.checkpoint), previous.hasAttention, previous.labelConsistency !== undefined) : undefined;
    models = await TrainingModels.open(config, vgg, labels, restored);
    const random = new SeededRandom(config.seed + 7 * (previous?.step ?? 0));
    const batches = new StepBatches(config, source, target, labels, random);
    const pool = new HistoryPool(config.historyPoolSize, random);
    if (restored) pool.restore(restored.pool, config.imageSize * config.imageSize * 3);
    const state = restored?.state ?? freshTrainerState(config);
    const priorWallTimeMs = state.wallTimeMs;
    stages = new StageRunner(config, models.networks, state, restored);
    const wallTimeMs = (): number => priorWallTimeMs + (performance.now() - started);
    const checkpointer = new Checkpointer({ modelDir, config, models, stages, pool, state, labels, degradedReasons, progress, wallTimeMs });
    const samples = new SampleWriter(modelDir, config, models.networks, source, progress);
    const loop = new StepLoop({ modelDir, config, models, stages, batches, pool, state, checkpointer, samples, progress });
    const last = await loop.run({ losses: state.finalLosses, lambda: state.lambda.lambda }, request.signal);

    const manifest = await checkpointer.write(true, last);
    const result: TrainResult = {
      modelDir,
      steps: state.step,
      stage: manifest.stage,
      finalLosses: manifest.metrics.finalLosses,
      lambda: manifest.metrics.lambda,
      wallTimeMs: manifest.metrics.wallTimeMs,
      degraded: manifest.degraded,
    };
    await progress.done(result, manifest.checkpoint);
    return result;
  } finally {
    stages?.dispose();
    models?.dispose();
    disposeVggWeights(vgg);
  }
}
