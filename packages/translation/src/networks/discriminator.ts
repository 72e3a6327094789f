import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from '../config.js';
import { type BlockContext, Initialisers, batchNorm } from './layers.js';

type SymbolicTensor = tf.SymbolicTensor;

export const DISCRIMINATOR_NAME = 'discriminator';

/**
 * Minibatch standard deviation (Karras et al. 2018, ProGAN): appends one channel holding, at every
 * location, the standard deviation over the batch of the input features, averaged over the channels, so
 * that D can tell a batch of near-identical fakes from a varied batch of real images. The deterministic G0
 * otherwise settles on one background for every digit (mode collapse), which a per-image D cannot see.
 */
export class MinibatchStddev extends tf.layers.Layer {
  static readonly className = 'MinibatchStddev';

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return [...inputShape.slice(0, 3), (inputShape[3] ?? 0) + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const { variance } = tf.moments(x, 0, true);
      const spread = tf.mean(tf.sqrt(tf.add(variance, 1e-8)), 3, true);
      return tf.concat([x, tf.tile(spread, [x.shape[0], 1, 1, 1])], 3);
    });
  }
}
tf.serialization.registerClass(MinibatchStddev);

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
 * on every layer but the first and the last; with `discriminatorBatchStddev`, the minibatch standard
 * deviation joins the input of the stride-1 conv. Output: raw logits, one per patch.
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
  if (config.discriminatorBatchStddev) x = new MinibatchStddev({ name: 'd_batch_stddev' }).apply(x) as SymbolicTensor;
  x = convLeaky(ctx, x, 'conv', 8 * ndf, 1, true);
  const logits = tf.layers
    .conv2d({ filters: 1, kernelSize: 4, padding: 'same', kernelInitializer: ctx.init.kernel(), name: 'd_logits' })
    .apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: DISCRIMINATOR_NAME });
}
