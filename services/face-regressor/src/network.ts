import { tf } from '@sim2real/tensor';
import type { RegressorConfig } from './config.js';

/**
 * A small ResNet: stem conv (stride 2 by default), four stages of basic residual blocks (batch norm, ReLU,
 * projection shortcut when the shape changes) at 1, 1/2, 1/4, 1/8 of the stem's output, then a 1×1 squeeze and a dense head on the flattened map
 * (not global pooling: where a feature is tells the shape).
 */
export function buildRegressorNetwork(config: RegressorConfig): tf.LayersModel {
  // tfjs treats seed 0 as "no seed" (a fresh random draw each run), so salts start at 1.
  const init = (salt: number) => tf.initializers.heNormal({ seed: config.seed * 1000 + salt });
  let salt = 1;
  const conv = (x: tf.SymbolicTensor, filters: number, stride: number, kernel = 3): tf.SymbolicTensor =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false, kernelInitializer: init(salt++) })
      .apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor): tf.SymbolicTensor => tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor): tf.SymbolicTensor => tf.layers.reLU().apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3] });
  let x = relu(bn(conv(input, config.width, config.stemStride)));
  const stageWidths = [1, 2, 4, 4].map((m) => config.width * m);
  stageWidths.forEach((filters, stage) => {
    for (let b = 0; b < config.blocksPerStage; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const inChannels = x.shape[3];
      let y = relu(bn(conv(x, filters, stride)));
      y = bn(conv(y, filters, 1));
      const shortcut = stride !== 1 || inChannels !== filters ? bn(conv(x, filters, stride, 1)) : x;
      x = relu(tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor);
    }
  });
  x = relu(bn(conv(x, Math.max(8, config.width), 1, 1)));
  const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: config.outputs, kernelInitializer: tf.initializers.glorotNormal({ seed: config.seed * 1000 + 999 }) })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'face_regressor' });
}
