import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from '../config.js';

export const TASK_NAME = 'task';

/**
 * The task network of label-consistent training: three stride-2 3×3 convs (taskNetworkWidth × 1, 2, 4) with
 * LeakyReLU 0.2, global average pooling, and a dense layer to `outputs` (class logits, or a label vector). No
 * batch norm, so that a batch of sources and a batch of translations see the same network. He-normal weights,
 * seeded from the run's seed.
 */
export function buildTaskNetwork(config: TranslationConfig, outputs: number): tf.LayersModel {
  let layer = 0;
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: config.seed * 3 + 4 + 1_000 * ++layer });
  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3], name: `${TASK_NAME}_input` });
  let x: tf.SymbolicTensor = input;
  for (const [i, scale] of [1, 2, 4].entries()) {
    const name = `${TASK_NAME}_conv${i + 1}`;
    x = tf.layers
      .conv2d({ filters: scale * config.taskNetworkWidth, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(), name })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu` }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.globalAveragePooling2d({ name: `${TASK_NAME}_pool` }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: outputs, kernelInitializer: init(), name: `${TASK_NAME}_output` }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: TASK_NAME });
}
