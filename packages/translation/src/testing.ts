import { imageSetFromImages, type RgbImage } from '@sim2real/imaging';
import { SeededRandom } from '@sim2real/random';
import { backendInfo, initBackend } from '@sim2real/tensor';
import { resolveTranslationConfig, type TranslationOptions } from './config.js';
import { train } from './trainer.js';

/**
 * Test fixtures for packages that serve or call a translator (`@sim2real/translation/testing`); not part of
 * the model's API.
 */

/** The smallest model that still has every part (attention included): 16 px, ngf 4, 1 residual block, 3 steps of 1 image (the paper preset). */
export const TINY_MODEL: TranslationOptions = {
  preset: 'paper',
  imageSize: 16,
  generatorWidth: 4,
  residualBlocks: 1,
  attentionWidth: 4,
  discriminatorWidth: 4,
  discriminatorDownsamplings: 1,
  historyPoolSize: 2,
  steps: 3,
  checkpointEverySteps: 100,
  sampleEverySteps: 100,
};

/** A deterministic RGB image of uniform noise. */
export function noiseImage(width: number, height: number, seed: number): RgbImage {
  const random = SeededRandom.fromSeeds(seed, width, height);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => random.int(256)) };
}

/**
 * Trains TINY_MODEL (with `options` on top) on noise into `modelDir`, without VGG weights, in about a second;
 * selects the default backend first when none is.
 */
export async function trainTinyModel(modelDir: string, options: TranslationOptions = {}): Promise<void> {
  if (!backendInfo()) await initBackend();
  const config = resolveTranslationConfig({ ...TINY_MODEL, ...options });
  const images = (seed: number): RgbImage[] => Array.from({ length: 4 }, (_, i) => noiseImage(config.imageSize, config.imageSize, seed + i));
  const source = await imageSetFromImages(images(1), config.imageSize);
  const target = await imageSetFromImages(images(100), config.imageSize);
  await train({ source, target, modelDir, config });
}
