import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from '../config.js';
import { type BlockContext, Initialisers, upsampleBnRelu, outputConv } from './layers.js';
import { type VggWeights, initVggLayers, vggLayers } from './vgg.js';

export const ATTENTION_NAME = 'attention';

/**
 * Gattn: VGG-19 up to conv3_3 (warm-started from `weights` when given, random otherwise), two stride-2
 * upsampling blocks back to the input size, and a 3×3 conv + sigmoid to a one-channel mask in [0, 1], about
 * `attentionInitialMask` everywhere before training.
 */
export function buildAttention(config: TranslationConfig, weights: VggWeights | undefined): tf.LayersModel {
  const ctx: BlockContext = { init: new Initialisers(config.seed * 3 + 3), batchNormMomentum: config.batchNormMomentum, prefix: ATTENTION_NAME };
  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3], name: `${ATTENTION_NAME}_input` });
  const features = vggLayers(input, ATTENTION_NAME, 'block3_conv3', config.seed).get('block3_conv3')!;
  let x = upsampleBnRelu(ctx, features, 'up1', 2 * config.attentionWidth, config.upsampling);
  x = upsampleBnRelu(ctx, x, 'up2', config.attentionWidth, config.upsampling);
  const initialMask = config.attentionInitialMask;
  const mask = outputConv(ctx, x, 'mask', 1, 3, 'sigmoid', Math.log(initialMask / (1 - initialMask)));
  const model = tf.model({ inputs: input, outputs: mask, name: ATTENTION_NAME });
  initVggLayers(model, ATTENTION_NAME, weights);
  return model;
}
