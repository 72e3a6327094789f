import { tf } from '@sim2real/tensor';
import { composite } from './composite.js';
import type { StageName, TranslationConfig } from './config.js';
import type { HistoryPool } from './history-pool.js';
import { generatorInput, imageNoise, noiseSizeOf } from './noise.js';
import { discriminatorLoss, diversityRatio, generatorAdversarialLoss, perceptualLoss, pixelL1Loss } from './losses.js';

/** The networks one training run works on. */
export interface Networks {
  g0: tf.LayersModel;
  attention: tf.LayersModel | undefined;
  discriminator: tf.LayersModel;
  /** Frozen VGG features for the perceptual loss; undefined in degraded mode (pixel L1). */
  perceptual: tf.LayersModel | undefined;
}

export interface StepLosses {
  /** Generator adversarial loss. */
  g_adv: number;
  /** Self-regularisation (perceptual or pixel L1). */
  g_reg: number;
  /** Diversity ratio between the two noise draws of each image (when diversityWeight > 0). */
  g_div?: number;
  /** g_adv + λ·g_reg − diversityWeight·g_div. */
  g_total: number;
  /** Discriminator loss. */
  d: number;
}

/**
 * The generator's forward pass in `stage` (which branches train, which run frozen in inference mode).
 * `noise`: G0's z per image when it takes one; by default drawn from the images as a translator does.
 */
export function generate(
  networks: Networks,
  stage: StageName,
  x: tf.Tensor4D,
  training: boolean,
  noise?: tf.Tensor2D,
): { output: tf.Tensor4D; initial: tf.Tensor4D; mask: tf.Tensor4D | undefined } {
  const initial = tf.tidy(() => {
    const input = generatorInput(x, noise ?? imageNoise(x, noiseSizeOf(networks.g0)));
    return networks.g0.apply(input, { training: training && stage !== 'attention' }) as tf.Tensor4D;
  });
  if (stage === 'g0' || !networks.attention) return { output: initial, initial, mask: undefined };
  const mask = networks.attention.apply(x, { training }) as tf.Tensor4D;
  return { output: composite(mask, initial, x), initial, mask };
}

/**
 * Source indices of one training step: `batchSize` images, or with `diversityWeight` batchSize/2 images
 * listed twice, so that each is translated under two noise draws.
 */
export function sourceBatch(config: TranslationConfig, take: (count: number) => number[]): number[] {
  if (config.diversityWeight === 0) return take(config.batchSize);
  const images = take(config.batchSize / 2);
  return [...images, ...images];
}

/** The distinct images of a batch made by `sourceBatch`: its first half with `diversityWeight`, else all of it. */
export function distinctSources(config: TranslationConfig, x: tf.Tensor4D): tf.Tensor4D {
  return config.diversityWeight === 0 ? x : tf.slice(x, 0, x.shape[0] / 2);
}

/** Trainable variables of the generator part that `stage` updates. */
export function generatorVariables(networks: Networks, stage: StageName): tf.Variable[] {
  const models = stage === 'g0' ? [networks.g0] : stage === 'attention' ? [networks.attention] : [networks.g0, networks.attention];
  return models.flatMap((m) => m?.trainableWeights.map((w) => w.read() as tf.Variable) ?? []);
}

export function discriminatorVariables(networks: Networks): tf.Variable[] {
  return networks.discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
}

export interface StepContext {
  networks: Networks;
  config: TranslationConfig;
  stage: StageName;
  lambda: number;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  generatorVars: tf.Variable[];
  discriminatorVars: tf.Variable[];
  pool: HistoryPool;
  /** false: D's loss is measured but D is not updated (its learning rate is 0 in this stage). */
  updateDiscriminator: boolean;
  /** What D sees of an image batch: the batch itself, or a random augmentation of it (DiffAugment). */
  discriminatorView: (images: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * One G update then one D update (batch norm in training mode). D sees real targets and generated images
 * drawn through the history pool, each through `discriminatorView`. With `diversityWeight`, the second half of
 * `x` must repeat the first half (see `sourceBatch`) and `noise` differ between them. Every intermediate tensor
 * is released before returning.
 */
export function trainStep(ctx: StepContext, x: tf.Tensor4D, y: tf.Tensor4D, noise?: tf.Tensor2D): StepLosses {
  const { networks, config } = ctx;
  const judge = (images: tf.Tensor4D): tf.Tensor => networks.discriminator.apply(ctx.discriminatorView(images), { training: true }) as tf.Tensor;
  let kept: tf.Tensor[] = [];
  try {
    return tf.tidy(() => {
      const gTotal = ctx.generatorOptimizer.minimize(
        () => {
          const { output } = generate(networks, ctx.stage, x, true, noise);
          const adv = generatorAdversarialLoss(config.adversarialLoss, judge(output));
          const polarity = config.selfRegularisationPolarity;
          const sources = distinctSources(config, x);
          const reg = networks.perceptual
            ? perceptualLoss(networks.perceptual, config.perceptualWeights, sources, output, polarity)
            : pixelL1Loss(sources, output, polarity);
          const div = config.diversityWeight > 0 && noise ? diversityRatio(output, noise, config.diversityCap) : undefined;
          kept = [tf.keep(output), tf.keep(adv), tf.keep(reg), ...(div ? [tf.keep(div)] : [])];
          const loss: tf.Scalar = tf.add(adv, tf.mul(ctx.lambda, reg));
          return div ? tf.sub(loss, tf.mul(config.diversityWeight, div)) : loss;
        },
        true,
        ctx.generatorVars,
      )!;
      const [fake, adv, reg, div] = kept as [tf.Tensor4D, tf.Scalar, tf.Scalar, tf.Scalar | undefined];
      const shown = ctx.pool.query(fake);
      const dLoss = (): tf.Scalar =>
        discriminatorLoss(config.adversarialLoss, judge(y), judge(shown));
      const d = ctx.updateDiscriminator ? ctx.discriminatorOptimizer.minimize(dLoss, true, ctx.discriminatorVars)! : dLoss();
      const scalar = (t: tf.Tensor): number => t.dataSync()[0]!;
      return { g_adv: scalar(adv), g_reg: scalar(reg), ...(div ? { g_div: scalar(div) } : {}), g_total: scalar(gTotal), d: scalar(d) };
    });
  } finally {
    tf.dispose(kept);
  }
}
