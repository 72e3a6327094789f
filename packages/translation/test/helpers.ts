import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImageSet, imageSetFromImages } from '@sim2real/imaging';
import { initBackend } from '@sim2real/tensor';
import { type TranslationOptions, resolveTranslationConfig } from '../src/index.js';

export { TEST_VGG_DIR as VGG_DIR } from '../src/testing.js';

export async function setupBackend(): Promise<void> {
  await initBackend({ backend: process.env.TFJS_BACKEND === 'cpu' ? 'cpu' : 'wasm', log: () => undefined });
}

/** Tiny architecture for 16 px tests, over the paper preset (batch 1, no noise input). */
export const TINY: TranslationOptions = {
  preset: 'paper',
  imageSize: 16,
  generatorWidth: 4,
  residualBlocks: 1,
  attentionWidth: 4,
  discriminatorWidth: 4,
  historyPoolSize: 2,
};

export const tinyConfig = (options: TranslationOptions = {}) => resolveTranslationConfig({ ...TINY, ...options });

/** `count` deterministic 16 px RGB test images (gradients with a per-image offset). */
export function testImages(count: number, offset: number, size = 16): Promise<ImageSet> {
  const images = Array.from({ length: count }, (_, k) => ({
    width: size,
    height: size,
    data: Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 37 + (k + offset) * 101) % 256),
  }));
  return imageSetFromImages(images, size);
}

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'sim2real-translation-'));
