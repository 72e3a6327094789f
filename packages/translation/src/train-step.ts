import { tf } from '@sim2real/tensor';
import { composite } from './composite.js';
import type { StageName, TranslationConfig } from './config.js';
import type { HistoryPool } from './history-pool.js';
import { generatorInput, imageNoise, noiseSizeOf } from './noise.js';
import { discriminatorLoss, generatorAdversarialLoss, perceptualLoss, pixelL1Loss } from './losses.js';

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
  /** g_adv + λ·g_reg. */
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
 * drawn through the history pool, each through `discriminatorView`. Every intermediate tensor is released
 * before returning.
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
          const reg = networks.perceptual ? perceptualLoss(networks.perceptual, config.perceptualWeights, x, output) : pixelL1Loss(x, output);
          kept = [tf.keep(output), tf.keep(adv), tf.keep(reg)];
          return tf.add(adv, tf.mul(ctx.lambda, reg));
        },
        true,
        ctx.generatorVars,
      )!;
      const [fake, adv, reg] = kept as [tf.Tensor4D, tf.Scalar, tf.Scalar];
      const shown = ctx.pool.query(fake);
      const dLoss = (): tf.Scalar =>
        discriminatorLoss(config.adversarialLoss, judge(y), judge(shown));
      const d = ctx.updateDiscriminator ? ctx.discriminatorOptimizer.minimize(dLoss, true, ctx.discriminatorVars)! : dLoss();
      return { g_adv: adv.dataSync()[0]!, g_reg: reg.dataSync()[0]!, g_total: gTotal.dataSync()[0]!, d: d.dataSync()[0]! };
    });
  } finally {
    tf.dispose(kept);
  }
}
