import { DilatedConv2D, tf } from '@sim2real/tensor';
import type { TranslationConfig } from '../config.js';
import { type BlockContext, Initialisers, batchNorm, convBnRelu, upsampleBnRelu, outputConv, relu } from './layers.js';

type SymbolicTensor = tf.SymbolicTensor;

export const GENERATOR_NAME = 'g0';

function dilatedConv(ctx: BlockContext, x: SymbolicTensor, name: string, filters: number, dilation: number): SymbolicTensor {
  const layer = new DilatedConv2D({
    filters,
    kernelSize: 3,
    dilationRate: dilation,
    useBias: false,
    kernelInitializer: ctx.init.kernel(),
    name: `${ctx.prefix}_${name}`,
  });
  return layer.apply(x) as SymbolicTensor;
}

/** x + BN(conv_d(ReLU(BN(conv_d(x))))) with dilated 3×3 convolutions (paper: dilation 2 in all blocks). */
function residualBlock(ctx: BlockContext, x: SymbolicTensor, index: number, filters: number, dilation: number): SymbolicTensor {
  const name = `res${index}`;
  let y = dilatedConv(ctx, x, `${name}_conv1`, filters, dilation);
  y = relu(batchNorm(ctx, y, `${name}_conv1`), `${ctx.prefix}_${name}_relu`);
  y = dilatedConv(ctx, y, `${name}_conv2`, filters, dilation);
  y = batchNorm(ctx, y, `${name}_conv2`);
  return tf.layers.add({ name: `${ctx.prefix}_${name}_add` }).apply([x, y]) as SymbolicTensor;
}

/**
 * G0, the vanilla generator: 7×7 stem, two stride-2 conv blocks, residual blocks with dilated convs, two
 * upsampling blocks (`upsampling`), 7×7 conv + tanh to image space [-1, 1]. BN + ReLU after every conv but the last.
 * Input: the image, plus `noiseSize` channels that carry z (see noise.ts).
 */
export function buildGenerator(config: TranslationConfig): tf.LayersModel {
  const ngf = config.generatorWidth;
  const ctx: BlockContext = { init: new Initialisers(config.seed * 3 + 1), batchNormMomentum: config.batchNormMomentum, prefix: GENERATOR_NAME };
  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3 + config.noiseSize], name: `${GENERATOR_NAME}_input` });
  let x = convBnRelu(ctx, input, 'stem', ngf, 7);
  x = convBnRelu(ctx, x, 'down1', 2 * ngf, 3, 2);
  x = convBnRelu(ctx, x, 'down2', 4 * ngf, 3, 2);
  for (let i = 1; i <= config.residualBlocks; i++) x = residualBlock(ctx, x, i, 4 * ngf, config.dilation);
  x = upsampleBnRelu(ctx, x, 'up1', 2 * ngf, config.upsampling);
  x = upsampleBnRelu(ctx, x, 'up2', ngf, config.upsampling);
  const output = outputConv(ctx, x, 'out', 3, 7, 'tanh');
  return tf.model({ inputs: input, outputs: output, name: GENERATOR_NAME });
}
