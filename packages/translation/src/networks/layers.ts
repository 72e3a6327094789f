import { tf } from '@sim2real/tensor';
import type { UpsamplingKind } from '../config.js';

type SymbolicTensor = tf.SymbolicTensor;
type Initializer = ReturnType<typeof tf.initializers.randomNormal>;

/**
 * Seeded initialisers for one network: weights ~ N(0, 0.02) and batch-norm gammas ~ N(1, 0.02) (the
 * DCGAN/CycleGAN convention), each layer with its own seed derived from the network seed.
 */
export class Initialisers {
  private counter = 0;

  constructor(private readonly seed: number) {}

  private nextSeed(): number {
    this.counter += 1;
    return (this.seed * 7919 + this.counter * 104_729) % 2_147_483_647;
  }

  kernel(): Initializer {
    return tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.nextSeed() });
  }

  gamma(): Initializer {
    return tf.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: this.nextSeed() });
  }
}

export interface BlockContext {
  init: Initialisers;
  batchNormMomentum: number;
  /** Prefix of layer names, so that two networks never share a name. */
  prefix: string;
}

export function batchNorm(ctx: BlockContext, x: SymbolicTensor, name: string): SymbolicTensor {
  return tf.layers
    .batchNormalization({ momentum: ctx.batchNormMomentum, epsilon: 1e-5, gammaInitializer: ctx.init.gamma(), name: `${ctx.prefix}_${name}_bn` })
    .apply(x) as SymbolicTensor;
}

export function relu(x: SymbolicTensor, name: string): SymbolicTensor {
  return tf.layers.activation({ activation: 'relu', name }).apply(x) as SymbolicTensor;
}

/** conv (no bias, BN follows) → batch norm → ReLU. */
export function convBnRelu(
  ctx: BlockContext,
  x: SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  strides = 1,
): SymbolicTensor {
  const conv = tf.layers
    .conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: ctx.init.kernel(), name: `${ctx.prefix}_${name}` })
    .apply(x) as SymbolicTensor;
  return relu(batchNorm(ctx, conv, name), `${ctx.prefix}_${name}_relu`);
}

/**
 * Doubles height and width → batch norm → ReLU. 'transposed': a stride-2 3×3 transposed conv (the paper's
 * decoder); 'resize': nearest-neighbour ×2 then a 3×3 conv, which cannot paint the checkerboard that a
 * stride-2 transposed conv's uneven kernel overlap does (Odena et al., "Deconvolution and Checkerboard
 * Artifacts", 2016).
 */
export function upsampleBnRelu(ctx: BlockContext, x: SymbolicTensor, name: string, filters: number, mode: UpsamplingKind): SymbolicTensor {
  const layerName = `${ctx.prefix}_${name}`;
  const common = { filters, kernelSize: 3, padding: 'same' as const, useBias: false, kernelInitializer: ctx.init.kernel(), name: layerName };
  const upsampled =
    mode === 'transposed'
      ? (tf.layers.conv2dTranspose({ ...common, strides: 2 }).apply(x) as SymbolicTensor)
      : (tf.layers.conv2d(common).apply(tf.layers.upSampling2d({ size: [2, 2], name: `${layerName}_resize` }).apply(x)) as SymbolicTensor);
  return relu(batchNorm(ctx, upsampled, name), `${layerName}_relu`);
}

/** Final conv to `filters` channels with a bias (initially `initialBias`) and the given activation. */
export function outputConv(
  ctx: BlockContext,
  x: SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  activation: 'tanh' | 'sigmoid' | 'linear',
  initialBias = 0,
): SymbolicTensor {
  return tf.layers
    .conv2d({
      filters,
      kernelSize,
      padding: 'same',
      activation,
      kernelInitializer: ctx.init.kernel(),
      biasInitializer: tf.initializers.constant({ value: initialBias }),
      name: `${ctx.prefix}_${name}`,
    })
    .apply(x) as SymbolicTensor;
}
