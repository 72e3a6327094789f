import { tf } from '@sim2real/tensor';
import { composite } from './composite.js';
import type { SourceLabels } from '@sim2real/datasets';
import type { StageName, TranslationConfig } from './config.js';
import type { HistoryPool } from './history-pool.js';
import { generatorInput, imageNoise, noiseSizeOf } from './noise.js';
import { taskLoss } from './label-consistency.js';
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
  /** Task loss of the task network on G(x) against x's labels (label-consistent runs). */
  g_task?: number;
  /** g_adv + λ·g_reg − diversityWeight·g_div (+ labelConsistencyWeight·g_task). */
  g_total: number;
  /** Discriminator loss. */
  d: number;
  /** The task network's own loss: on x plus on G(x), both against x's labels (label-consistent runs). */
  task?: number;
}

/** The task network of a label-consistent run and the labels of one step's source batch. */
export interface TaskStep {
  network: tf.LayersModel;
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  kind: SourceLabels['kind'];
  /** The labels of the step's `x`, row for row (labelBatch). */
  labels: tf.Tensor2D;
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
  /** Label-consistent runs: G's loss gains labelConsistencyWeight × the task loss of G(x), then the task network learns. */
  task?: TaskStep;
}

/**
 * One G update then one D update (batch norm in training mode). D sees real targets and generated images
 * drawn through the history pool, each through `discriminatorView`. With `diversityWeight`, the second half of
 * `x` must repeat the first half (see `sourceBatch`) and `noise` differ between them. With `task`, G's loss
 * also holds the task loss of G(x) against x's labels, and after D the task network takes one step on x and on
 * this step's G(x) (the translations as they improve, as PixelDA's classifier does). Every intermediate tensor is
 * released before returning.
 */
export function trainStep(ctx: StepContext, x: tf.Tensor4D, y: tf.Tensor4D, noise?: tf.Tensor2D): StepLosses {
  const { networks, config, task } = ctx;
  const judge = (images: tf.Tensor4D): tf.Tensor => networks.discriminator.apply(ctx.discriminatorView(images), { training: true }) as tf.Tensor;
  let kept: tf.Tensor[] = [];
  let semanticKept: tf.Scalar | undefined;
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
          const semantic = task ? taskLoss(task.kind, task.network.apply(output) as tf.Tensor, task.labels) : undefined;
          kept = [tf.keep(output), tf.keep(adv), tf.keep(reg), ...(div ? [tf.keep(div)] : [])];
          if (semantic) semanticKept = tf.keep(semantic);
          let loss: tf.Scalar = tf.add(adv, tf.mul(ctx.lambda, reg));
          if (div) loss = tf.sub(loss, tf.mul(config.diversityWeight, div));
          return semantic ? tf.add(loss, tf.mul(config.labelConsistencyWeight, semantic)) : loss;
        },
        true,
        ctx.generatorVars,
      )!;
      const [fake, adv, reg, div] = kept as [tf.Tensor4D, tf.Scalar, tf.Scalar, tf.Scalar | undefined];
      const shown = ctx.pool.query(fake);
      const dLoss = (): tf.Scalar =>
        discriminatorLoss(config.adversarialLoss, judge(y), judge(shown));
      const d = ctx.updateDiscriminator ? ctx.discriminatorOptimizer.minimize(dLoss, true, ctx.discriminatorVars)! : dLoss();
      const taskOwn = task
        ? task.optimizer.minimize(
            () => tf.add(taskLoss(task.kind, task.network.apply(x) as tf.Tensor, task.labels), taskLoss(task.kind, task.network.apply(fake) as tf.Tensor, task.labels)),
            true,
            task.variables,
          )!
        : undefined;
      const scalar = (t: tf.Tensor): number => t.dataSync()[0]!;
      return {
        g_adv: scalar(adv),
        g_reg: scalar(reg),
        ...(div ? { g_div: scalar(div) } : {}),
        ...(semanticKept ? { g_task: scalar(semanticKept) } : {}),
        g_total: scalar(gTotal),
        d: scalar(d),
        ...(taskOwn ? { task: scalar(taskOwn) } : {}),
      };
    });
  } finally {
    tf.dispose([...kept, ...(semanticKept ? [semanticKept] : [])]);
  }
}
