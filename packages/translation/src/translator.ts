import { join } from 'node:path';
import { tf } from '@sim2real/tensor';
import { type ModelManifest, readModelManifest } from './checkpoint.js';
import { loadLayersModel } from './layers-io.js';
import { composite } from './composite.js';
import type { TranslationConfig } from './config.js';
import { InputShapeError, ModelLoadError } from './errors.js';
import { generatorInput, imageNoise, noiseSizeOf } from './noise.js';

/** Output of one translation; the caller disposes the tensors. */
export interface TranslationOutput {
  /** G(x) in [-1, 1]. */
  output: tf.Tensor4D;
  /** G0(x) in [-1, 1]. */
  initial: tf.Tensor4D;
  /** Attention mask in [0, 1], one channel; all ones when the model has no attention branch. */
  attention: tf.Tensor4D;
}

/** An inference-only model (no trainer parts loaded; batch norm uses its moving statistics). */
export interface Translator {
  config: TranslationConfig;
  imageSize: number;
  hasAttention: boolean;
  manifest: ModelManifest;
  /**
   * `input`: [n, imageSize, imageSize, 3] in [-1, 1]; throws InputShapeError on another shape. `draw` picks
   * the noise G0 gets (see imageNoise); every draw of a model without a noise input gives the same output.
   */
  translate(input: tf.Tensor4D, draw?: number): TranslationOutput;
  dispose(): void;
}

/** The inference networks of a model folder; the caller disposes them. */
export interface TranslatorNetworks {
  manifest: ModelManifest;
  g0: tf.LayersModel;
  /** Absent when the model has no attention branch (the mask is all ones). */
  attention: tf.LayersModel | undefined;
  /** Channels of z that G0 takes besides RGB. */
  noiseSize: number;
}

/** Loads G0 and (when trained) the attention network of a model folder written by `train`. */
export async function loadTranslatorNetworks(modelDir: string): Promise<TranslatorNetworks> {
  const manifest = await readModelManifest(modelDir);
  const load = async (part: string): Promise<tf.LayersModel> => {
    try {
      return await loadLayersModel(join(modelDir, manifest.checkpoint, part));
    } catch (cause) {
      throw new ModelLoadError(modelDir, `the ${part} network in ${manifest.checkpoint} cannot be read (${String(cause)})`, { cause });
    }
  };
  const g0 = await load('g0');
  const attention = manifest.hasAttention ? await load('attention') : undefined;
  return { manifest, g0, attention, noiseSize: noiseSizeOf(g0) };
}

/** Loads G0 and (when trained) the attention network of a model folder written by `train`. */
export async function loadTranslator(modelDir: string): Promise<Translator> {
  const { manifest, g0, attention, noiseSize } = await loadTranslatorNetworks(modelDir);
  const size = manifest.config.imageSize;
  return {
    config: manifest.config,
    imageSize: size,
    hasAttention: attention !== undefined,
    manifest,
    translate(input, draw = 0) {
      const [, h, w, c] = input.shape;
      if (input.rank !== 4 || h !== size || w !== size || c !== 3) throw new InputShapeError([-1, size, size, 3], input.shape);
      return tf.tidy(() => {
        const initial = g0.apply(generatorInput(input, imageNoise(input, noiseSize, draw)), { training: false }) as tf.Tensor4D;
        const mask = attention ? (attention.apply(input, { training: false }) as tf.Tensor4D) : tf.ones<tf.Rank.R4>([input.shape[0], size, size, 1]);
        return { output: attention ? composite(mask, initial, input) : tf.clone(initial), initial, attention: mask };
      });
    },
    dispose() {
      g0.dispose();
      attention?.dispose();
    },
  };
}
