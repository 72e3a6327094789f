import { imageSetFromImages, type RgbImage } from '@sim2real/imaging';
import { SeededRandom } from '@sim2real/random';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, initBackend, tf } from '@sim2real/tensor';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, commitCheckpoint } from './checkpoint.js';
import { resolveTranslationConfig, type TranslationOptions } from './config.js';
import { saveLayersModel } from './layers-io.js';
import { buildAttention } from './networks/attention.js';
import { buildGenerator } from './networks/generator.js';
import { train } from './trainer.js';

/**
 * Test fixtures for packages that serve or call a translator (`@sim2real/translation/testing`); not part of
 * the model's API.
 */

/** VGG-19 weights beside the repository, as the tests of every package read them (`SIM2REAL_VGG_DIR` overrides). */
export const TEST_VGG_DIR = process.env.SIM2REAL_VGG_DIR ?? fileURLToPath(new URL('../../../../shared/weights/vgg19-block3', import.meta.url));

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

/**
 * Writes an untrained version (G0 and attention at their initialisation, step 0, not complete) of `options` into
 * `modelDir`, in seconds at any size: what benchmarks time inference on without training first.
 */
export async function writeUntrainedModel(modelDir: string, options: TranslationOptions = {}): Promise<void> {
  if (!backendInfo()) await initBackend();
  const config = resolveTranslationConfig(options);
  const g0 = buildGenerator(config);
  const attention = config.attention ? buildAttention(config, undefined) : undefined;
  const now = new Date().toISOString();
  try {
    await commitCheckpoint(
      modelDir,
      {
        format: MODEL_FORMAT,
        version: MODEL_FORMAT_VERSION,
        created: now,
        updated: now,
        backend: tf.getBackend(),
        config,
        stage: 'g0',
        step: 0,
        totalSteps: config.steps,
        complete: false,
        hasAttention: attention !== undefined,
        degraded: true,
        degradedReasons: ['untrained: written for benchmarks'],
        metrics: { finalLosses: {}, lambda: 0, stageLambdas: {}, steps: 0, wallTimeMs: 0 },
      },
      async (dir) => {
        await saveLayersModel(g0, join(dir, 'g0'));
        if (attention) await saveLayersModel(attention, join(dir, 'attention'));
      },
    );
  } finally {
    g0.dispose();
    attention?.dispose();
  }
}
