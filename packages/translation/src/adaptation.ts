import type { TranslationConfig } from './config.js';

/**
 * The least that the benchmarks saw adapt (BENCHMARKS.md, "Presets"). Images seen = steps × batch: the digits
 * translator adapted at 1200 steps of 8 and nothing at 300 of 8 (2400 images), the faces translator at 1200 of
 * 4 (4800) and not at 400 of 4 (1600), and the paper's setting, 2000 steps of 1, closed 2.8 % of the digits gap.
 * The smallest training sets that adapted are the demo's 600 faces per domain.
 */
export const ADAPTATION_MINIMUMS = { imagesSeen: 4800, domainImages: 600 } as const;

/** Sentences for a run that is, as measured, too short (or on too few images) to adapt; empty when none applies. */
export function adaptationWarnings(config: TranslationConfig, data: { sourceImages: number; targetImages: number }): string[] {
  const warnings: string[] = [];
  const { imagesSeen, domainImages } = ADAPTATION_MINIMUMS;
  if (config.steps * config.batchSize < imagesSeen) {
    const steps = Math.ceil(imagesSeen / config.batchSize);
    warnings.push(
      `fewer than ${steps} steps of ${config.batchSize} images (${config.steps} given), less training than any run measured to adapt: expect little adaptation.`,
    );
  }
  const fewest = Math.min(data.sourceImages, data.targetImages);
  if (fewest < domainImages) {
    warnings.push(`fewer than ${domainImages} images in a domain (${fewest} given), fewer than any run measured to adapt: expect little adaptation.`);
  }
  return warnings;
}
