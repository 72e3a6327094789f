import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from '../config.js';
import { type BlockContext, Initialisers, batchNorm } from './layers.js';

type SymbolicTensor = tf.SymbolicTensor;

export const DISCRIMINATOR_NAME = 'discriminator';

function convLeaky(ctx: BlockContext, x: SymbolicTensor, name: string, filters: number, strides: number, norm: boolean): SymbolicTensor {
  let y = tf.layers
    .conv2d({ filters, kernelSize: 4, strides, padding: 'same', useBias: !norm, kernelInitializer: ctx.init.kernel(), name: `${ctx.prefix}_${name}` })
    .apply(x) as SymbolicTensor;
  if (norm) y = batchNorm(ctx, y, name);
  return tf.layers.leakyReLU({ alpha: 0.2, name: `${ctx.prefix}_${name}_lrelu` }).apply(y) as SymbolicTensor;
}

/**
 * PatchGAN discriminator (five layers by default): `discriminatorDownsamplings` stride-2 4×4 convs (ndf,
 * 2ndf, 4ndf, ...), then a stride-1 conv (8ndf) and a stride-1 conv to 1 channel. LeakyReLU 0.2, batch norm
 * on every layer but the first and the last. Output: raw logits, one per patch.
 */
export function buildDiscriminator(config: TranslationConfig): tf.LayersModel {
  const ndf = config.discriminatorWidth;
  const ctx: BlockContext = { init: new Initialisers(config.seed * 3 + 2), batchNormMomentum: config.batchNormMomentum, prefix: 'd' };
  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3], name: 'd_input' });
  let x: SymbolicTensor = input;
  let filters = ndf;
  for (let i = 1; i <= config.discriminatorDownsamplings; i++) {
    x = convLeaky(ctx, x, `down${i}`, filters, 2, i > 1);
    filters = Math.min(filters * 2, 8 * ndf);
  }
  x = convLeaky(ctx, x, 'conv', 8 * ndf, 1, true);
  const logits = tf.layers
    .conv2d({ filters: 1, kernelSize: 4, padding: 'same', kernelInitializer: ctx.init.kernel(), name: 'd_logits' })
    .apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: DISCRIMINATOR_NAME });
}
