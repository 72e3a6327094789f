import type { TranslationConfig } from './config.js';

/**
 * The least training the benchmarks saw adapt: images seen (steps × batch) and images per domain. Which runs
 * adapted and which did not: BENCHMARKS.md, "Presets" (the warning at start).
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
