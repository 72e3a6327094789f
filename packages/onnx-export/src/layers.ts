import type { tf } from '@sim2real/tensor';
import { UnmappableLayerError } from './errors.js';
import { type OnnxGraph, float } from './graph.js';

type Layer = tf.layers.Layer;
type Config = Record<string, unknown>;

/** What a mapper gets: the layer, the ONNX values (NCHW) of its inputs, and the graph to add nodes to. */
export interface LayerMapping {
  layer: Layer;
  inputs: string[];
  graph: OnnxGraph;
}

/** Maps one tfjs layer to ONNX nodes; returns the value (NCHW) holding its output. */
export type LayerMapper = (mapping: LayerMapping) => string;

function fail(layer: Layer, reason: string): never {
  throw new UnmappableLayerError(layer.name, layer.getClassName(), reason);
}

function pair(layer: Layer, value: unknown, what: string): [number, number] {
  const v = Array.isArray(value) ? value : [value, value];
  if (v.length !== 2 || !v.every((n) => Number.isInteger(n) && (n as number) > 0)) fail(layer, `${what} ${JSON.stringify(value)} is not one or two positive integers.`);
  return v as [number, number];
}

function spatialShape(layer: Layer, shape: tf.Shape | tf.Shape[]): [number, number] {
  const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
  const [, h, w] = s;
  if (typeof h !== 'number' || typeof w !== 'number') fail(layer, 'its height and width are not fixed (the export needs the model size).');
  return [h, w];
}

function inputShape(layer: Layer): tf.Shape {
  const input = layer.input;
  return (Array.isArray(input) ? input[0]! : input).shape;
}

function checkChannelsLast(layer: Layer, config: Config): void {
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') fail(layer, `data format ${JSON.stringify(config.dataFormat)} is not channelsLast.`);
}

/**
 * TensorFlow's padding of one axis for a window `window` (dilated size) at stride `stride` taking `input` to
 * `output` values: 'same' puts the odd pixel at the end, 'valid' pads nothing.
 */
function axisPads(padding: unknown, input: number, output: number, window: number, stride: number): [number, number] {
  if (padding === 'valid') return [0, 0];
  const total = Math.max((output - 1) * stride + window - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** ONNX `pads` ([h_begin, w_begin, h_end, w_end]) of a conv or pool layer. */
function pads(layer: Layer, padding: unknown, kernel: [number, number], strides: [number, number], dilation: [number, number], input: [number, number], output: [number, number]): number[] {
  if (padding !== 'same' && padding !== 'valid') fail(layer, `padding '${String(padding)}' is neither 'same' nor 'valid'.`);
  const h = axisPads(padding, input[0], output[0], (kernel[0] - 1) * dilation[0] + 1, strides[0]);
  const w = axisPads(padding, input[1], output[1], (kernel[1] - 1) * dilation[1] + 1, strides[1]);
  return [h[0], w[0], h[1], w[1]];
}

/** Permutes a 4-D row-major array: result axis i is source axis perm[i]. */
export function transpose4d(values: Float32Array, shape: readonly number[], perm: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(values.length);
  const stride = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  const outShape = perm.map((p) => shape[p]!);
  const s = perm.map((p) => stride[p]!);
  let i = 0;
  for (let a = 0; a < outShape[0]!; a++)
    for (let b = 0; b < outShape[1]!; b++)
      for (let c = 0; c < outShape[2]!; c++)
        for (let d = 0; d < outShape[3]!; d++) out[i++] = values[a * s[0]! + b * s[1]! + c * s[2]! + d * s[3]!]!;
  return out;
}

function weights(layer: Layer): { values: Float32Array; shape: number[] }[] {
  return layer.getWeights().map((w) => ({ values: w.dataSync<'float32'>(), shape: w.shape }));
}

/** An activation by its tfjs name, applied to `input`; 'linear' adds nothing. */
function activation(layer: Layer, graph: OnnxGraph, input: string, name: unknown, alpha?: number): string {
  switch (name) {
    case undefined:
    case null:
    case 'linear':
      return input;
    case 'relu':
      return graph.node('Relu', [input], `${layer.name}_relu`);
    case 'tanh':
      return graph.node('Tanh', [input], `${layer.name}_tanh`);
    case 'sigmoid':
      return graph.node('Sigmoid', [input], `${layer.name}_sigmoid`);
    case 'leakyRelu':
      return graph.node('LeakyRelu', [input], `${layer.name}_lrelu`, { alpha: float(alpha ?? 0.2) });
    default:
      return fail(layer, `activation '${String(name)}' has no mapping.`);
  }
}

function single(layer: Layer, inputs: string[]): string {
  if (inputs.length !== 1) fail(layer, `it has ${inputs.length} inputs, one expected.`);
  return inputs[0]!;
}

/** Conv2D and DilatedConv2D: kernel [kh, kw, in, out] → ONNX W [out, in, kh, kw], TF 'same' as explicit pads. */
const conv: LayerMapper = ({ layer, inputs, graph }) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  const [kernel, bias] = weights(layer);
  if (!kernel || kernel.shape.length !== 4) return fail(layer, 'it has no 4-D kernel.');
  const size = pair(layer, config.kernelSize, 'kernelSize');
  const strides = pair(layer, config.strides ?? 1, 'strides');
  const dilations = pair(layer, config.dilationRate ?? 1, 'dilationRate');
  if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) fail(layer, 'stride and dilation above 1 together are not supported by TensorFlow either.');
  const input = spatialShape(layer, inputShape(layer));
  const output = spatialShape(layer, layer.outputShape);
  const w = graph.constant(`${layer.name}_kernel`, [kernel.shape[3]!, kernel.shape[2]!, size[0], size[1]], transpose4d(kernel.values, kernel.shape, [3, 2, 0, 1]));
  const args = [single(layer, inputs), w];
  if (bias) args.push(graph.constant(`${layer.name}_bias`, bias.shape, bias.values));
  const y = graph.node('Conv', args, layer.name, {
    kernel_shape: size,
    strides,
    dilations,
    pads: pads(layer, config.padding ?? 'valid', size, strides, dilations, input, output),
  });
  return activation(layer, graph, y, config.activation);
};

/** Conv2DTranspose: kernel [kh, kw, out, in] → ONNX W [in, out, kh, kw]; pads and output_padding give TF's size. */
const convTranspose: LayerMapper = ({ layer, inputs, graph }) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  const [kernel, bias] = weights(layer);
  if (!kernel || kernel.shape.length !== 4) return fail(layer, 'it has no 4-D kernel.');
  const size = pair(layer, config.kernelSize, 'kernelSize');
  const strides = pair(layer, config.strides ?? 1, 'strides');
  const dilations = pair(layer, config.dilationRate ?? 1, 'dilationRate');
  if (dilations[0] !== 1 || dilations[1] !== 1) fail(layer, 'a dilated transposed convolution has no mapping.');
  const input = spatialShape(layer, inputShape(layer));
  const output = spatialShape(layer, layer.outputShape);
  // The forward conv that this one is the gradient of takes `output` to `input`: its pads are these pads.
  const p = pads(layer, config.padding ?? 'valid', size, strides, dilations, output, input);
  const full = [0, 1].map((axis) => strides[axis]! * (input[axis]! - 1) + size[axis]! - p[axis]! - p[axis + 2]!);
  const outputPadding = [0, 1].map((axis) => output[axis]! - full[axis]!);
  if (outputPadding.some((v) => v < 0 || v >= Math.max(strides[0], strides[1]))) fail(layer, `its output size ${output.join('×')} cannot be reached by ConvTranspose.`);
  const w = graph.constant(`${layer.name}_kernel`, [kernel.shape[3]!, kernel.shape[2]!, size[0], size[1]], transpose4d(kernel.values, kernel.shape, [3, 2, 0, 1]));
  const args = [single(layer, inputs), w];
  if (bias) args.push(graph.constant(`${layer.name}_bias`, bias.shape, bias.values));
  const y = graph.node('ConvTranspose', args, layer.name, { kernel_shape: size, strides, pads: p, output_padding: outputPadding });
  return activation(layer, graph, y, config.activation);
};

/** BatchNormalization in inference mode (moving statistics), over the channel axis. */
const batchNorm: LayerMapper = ({ layer, inputs, graph }) => {
  const config = layer.getConfig() as Config;
  const axis = config.axis;
  if (axis !== -1 && axis !== 3 && !(Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3))) fail(layer, `axis ${JSON.stringify(axis)} is not the channel axis.`);
  const named = new Map(layer.weights.map((w) => [w.originalName.split('/').at(-1)!, w.read().dataSync<'float32'>()]));
  const mean = named.get('moving_mean');
  const variance = named.get('moving_variance');
  if (!mean || !variance) return fail(layer, 'its moving mean or variance is missing.');
  const channels = mean.length;
  const gamma = named.get('gamma') ?? new Float32Array(channels).fill(1);
  const beta = named.get('beta') ?? new Float32Array(channels);
  const c = (what: string, values: Float32Array): string => graph.constant(`${layer.name}_${what}`, [channels], values);
  return graph.node('BatchNormalization', [single(layer, inputs), c('gamma', gamma), c('beta', beta), c('mean', mean), c('variance', variance)], layer.name, {
    epsilon: float(Number(config.epsilon ?? 1e-3)),
  });
};

/** UpSampling2D, nearest neighbour: out[i] = in[floor(i / size)]. */
const upSampling: LayerMapper = ({ layer, inputs, graph }) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  if ((config.interpolation ?? 'nearest') !== 'nearest') fail(layer, `interpolation '${String(config.interpolation)}' has no mapping (nearest only).`);
  const [sh, sw] = pair(layer, config.size ?? 2, 'size');
  const scales = graph.constant(`${layer.name}_scales`, [4], Float32Array.from([1, 1, sh, sw]));
  return graph.node('Resize', [single(layer, inputs), '', scales], layer.name, {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
};

const maxPool: LayerMapper = ({ layer, inputs, graph }) => {
  const config = layer.getConfig() as Config;
  checkChannelsLast(layer, config);
  const size = pair(layer, config.poolSize, 'poolSize');
  const strides = pair(layer, config.strides ?? config.poolSize, 'strides');
  const p = pads(layer, config.padding ?? 'valid', size, strides, [1, 1], spatialShape(layer, inputShape(layer)), spatialShape(layer, layer.outputShape));
  return graph.node('MaxPool', [single(layer, inputs)], layer.name, { kernel_shape: size, strides, pads: p });
};

const activationLayer: LayerMapper = ({ layer, inputs, graph }) => activation(layer, graph, single(layer, inputs), (layer.getConfig() as Config).activation);

const leakyRelu: LayerMapper = ({ layer, inputs, graph }) => activation(layer, graph, single(layer, inputs), 'leakyRelu', Number((layer.getConfig() as Config).alpha ?? 0.3));

const add: LayerMapper = ({ layer, inputs, graph }) => {
  if (inputs.length < 2) fail(layer, 'it has fewer than two inputs.');
  return graph.node('Sum', inputs, layer.name);
};

const concatenate: LayerMapper = ({ layer, inputs, graph }) => {
  const axis = (layer.getConfig() as Config).axis ?? -1;
  if (axis !== -1 && axis !== 3) fail(layer, `axis ${JSON.stringify(axis)} is not the channel axis.`);
  return graph.node('Concat', inputs, layer.name, { axis: 1 });
};

/** The mapping of every layer class the translation package builds into G0 and the attention network. */
export const DEFAULT_MAPPERS: Readonly<Record<string, LayerMapper>> = {
  Conv2D: conv,
  DilatedConv2D: conv,
  Conv2DTranspose: convTranspose,
  BatchNormalization: batchNorm,
  UpSampling2D: upSampling,
  MaxPooling2D: maxPool,
  Activation: activationLayer,
  LeakyReLU: leakyRelu,
  Add: add,
  Concatenate: concatenate,
};
