import type { StageName, TranslationConfig } from './config.js';
import { type VggWeights, loadVggWeights } from './networks/vgg.js';
import type { TrainingProgress } from './training-progress.js';

/** The VGG-19 weights of the perceptual loss, or the degraded mode a run falls back to without them. */
export interface PerceptualWeights {
  /** Undefined in degraded mode. */
  vgg: VggWeights | undefined;
  /** Why the run is degraded, one line per substitute; empty with weights. */
  degradedReasons: string[];
}

/**
 * Loads the VGG-19 weights from `vggDir`; without one, announces the degraded mode (pixel L1 self-regularisation,
 * a randomly initialised attention encoder) as a warning at the run's `stage` and `step`.
 */
export async function loadPerceptualWeights(
  vggDir: string | undefined,
  config: TranslationConfig,
  progress: TrainingProgress,
  at: { stage: StageName; step: number },
): Promise<PerceptualWeights> {
  if (vggDir) return { vgg: await loadVggWeights(vggDir), degradedReasons: [] };
  const degradedReasons = ['no VGG-19 weights: pixel L1 self-regularisation instead of the perceptual loss'];
  if (config.attention) degradedReasons.push('no VGG-19 weights: attention encoder initialised randomly');
  await progress.warn(
    `DEGRADED MODE: no VGG-19 weights were given, so ${degradedReasons.map((r) => r.replace('no VGG-19 weights: ', '')).join(' and ')}; results will be worse than the paper's. Pass vggDir (--vgg) to fix this.`,
    at.stage,
    at.step,
  );
  return { vgg: undefined, degradedReasons };
}
