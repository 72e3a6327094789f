import { tf } from '@sim2real/tensor';
import { VGG_CONV_LAYERS, type VggConvLayer } from '../config.js';
import { VggWeightsError } from '../errors.js';
import { loadLayersModel } from '../layers-io.js';

type SymbolicTensor = tf.SymbolicTensor;

/** Kernel and bias per VGG-19 conv layer, as loaded from the weights folder. */
export type VggWeights = Map<VggConvLayer, [tf.Tensor4D, tf.Tensor1D]>;

const VGG_FILTERS: Record<VggConvLayer, number> = {
  block1_conv1: 64,
  block1_conv2: 64,
  block2_conv1: 128,
  block2_conv2: 128,
  block3_conv1: 256,
  block3_conv2: 256,
  block3_conv3: 256,
  block3_conv4: 256,
};
const POOL_AFTER: readonly VggConvLayer[] = ['block1_conv2', 'block2_conv2'];
/** Keras "caffe" preprocessing: BGR means subtracted from 0..255 values. */
const BGR_MEAN = [103.939, 116.779, 123.68] as const;

/** Reads VGG-19 (tfjs layers format, up to block3) from `vggDir`; the caller disposes the tensors. */
export async function loadVggWeights(vggDir: string): Promise<VggWeights> {
  let model: tf.LayersModel;
  try {
    model = await loadLayersModel(vggDir);
  } catch (cause) {
    throw new VggWeightsError(vggDir, `model.json or its weight shards could not be read (${String(cause)})`, { cause });
  }
  try {
    const weights: VggWeights = new Map();
    for (const name of VGG_CONV_LAYERS) {
      const found = model.layers.find((l) => l.name === name);
      if (!found) throw new VggWeightsError(vggDir, `layer ${name} is missing`);
      const [kernel, bias] = found.getWeights();
      if (!kernel || !bias || kernel.shape[3] !== VGG_FILTERS[name]) {
        throw new VggWeightsError(vggDir, `layer ${name} does not have ${VGG_FILTERS[name]} filters`);
      }
      weights.set(name, [tf.clone(kernel) as tf.Tensor4D, tf.clone(bias) as tf.Tensor1D]);
    }
    return weights;
  } finally {
    model.dispose();
  }
}

export function disposeVggWeights(weights: VggWeights | undefined): void {
  for (const [kernel, bias] of weights?.values() ?? []) tf.dispose([kernel, bias]);
}

/**
 * VGG-19 conv layers from block1_conv1 up to `last` (pools included), preceded by a fixed 1×1 conv doing
 * the "caffe" preprocessing ([-1,1] RGB → 0..255 BGR minus mean), so the network is one serialisable
 * model. Returns the symbolic output of every conv layer (after its ReLU).
 */
export function vggLayers(input: SymbolicTensor, prefix: string, last: VggConvLayer, seed: number): Map<VggConvLayer, SymbolicTensor> {
  const outputs = new Map<VggConvLayer, SymbolicTensor>();
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 1, trainable: false, name: `${prefix}_preprocess` }).apply(input) as SymbolicTensor;
  for (const [i, name] of VGG_CONV_LAYERS.entries()) {
    x = tf.layers
      .conv2d({
        filters: VGG_FILTERS[name],
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 31 + i }),
        name: `${prefix}_${name}`,
      })
      .apply(x) as SymbolicTensor;
    outputs.set(name, x);
    if (name === last) break;
    if (POOL_AFTER.includes(name)) {
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${prefix}_${name.slice(0, 6)}_pool` }).apply(x) as SymbolicTensor;
    }
  }
  return outputs;
}

/** Sets the preprocessing conv of `vggLayers` and, when given, copies the pretrained VGG weights in. */
export function initVggLayers(model: tf.LayersModel, prefix: string, weights: VggWeights | undefined): void {
  const kernel = new Float32Array(9);
  for (let out = 0; out < 3; out++) kernel[(2 - out) * 3 + out] = 127.5;
  const bias = BGR_MEAN.map((m) => 127.5 - m);
  tf.tidy(() => model.getLayer(`${prefix}_preprocess`).setWeights([tf.tensor4d(kernel, [1, 1, 3, 3]), tf.tensor1d(bias)]));
  if (!weights) return;
  for (const layer of model.layers) {
    if (!layer.name.startsWith(`${prefix}_block`)) continue;
    const pretrained = weights.get(layer.name.slice(prefix.length + 1) as VggConvLayer);
    if (pretrained) layer.setWeights(pretrained);
  }
}

/** Frozen VGG-19 feature extractor for the perceptual loss: one output per requested layer. */
export function buildPerceptualNetwork(layers: readonly VggConvLayer[], weights: VggWeights): tf.LayersModel {
  const last = VGG_CONV_LAYERS.filter((l) => layers.includes(l)).at(-1)!;
  const input = tf.input({ shape: [null, null, 3], name: 'perceptual_input' });
  const outputs = vggLayers(input, 'perceptual', last, 0);
  const model = tf.model({ inputs: input, outputs: layers.map((l) => outputs.get(l)!), name: 'perceptual' });
  initVggLayers(model, 'perceptual', weights);
  model.trainable = false;
  return model;
}
