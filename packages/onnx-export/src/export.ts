import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@sim2real/tensor';
import { loadTranslatorNetworks, updateModelManifest } from '@sim2real/translation';
import type { ModelManifest, OnnxExportRecord, TranslatorNetworks } from '@sim2real/translation';
import { OnnxExportError, UnmappableLayerError } from './errors.js';
import { OnnxGraph } from './graph.js';
import { DEFAULT_MAPPERS, type LayerMapper } from './layers.js';
import { OPSET } from './onnx-proto.js';

/** The file `exportOnnx` writes into the version folder. */
export const ONNX_FILE = 'model.onnx';

/** Names of the graph's inputs and outputs (NHWC float32, batch dimension `batch`). */
export const ONNX_NAMES = {
  /** [batch, size, size, 3] in [-1, 1]. */
  image: 'image',
  /** [batch, noiseSize], z ~ U(-1, 1); only on models with a noise input. */
  noise: 'noise',
  /** G(x) = A·G0(x) + (1 − A)·x, [batch, size, size, 3] in [-1, 1]. */
  output: 'G',
  /** The attention mask A(x), [batch, size, size, 1] in [0, 1]; all ones without an attention branch. */
  attention: 'A',
  /** G0(x), [batch, size, size, 3] in [-1, 1]. */
  initial: 'G0',
} as const;

const BATCH = 'batch';

/** Options of the graph build. */
export interface BuildOnnxOptions {
  /**
   * Mappings by tfjs class name that replace or extend the built-in ones (a custom layer's mapping).
   * @default {} (the built-in mappings only)
   */
  mappers?: Readonly<Record<string, LayerMapper>>;
}

/**
 * Adds the nodes of one tfjs functional model to `graph`, fed by `input` (an NCHW value), and returns the NCHW
 * value of its single output. Every layer goes through a mapper; one without throws UnmappableLayerError.
 */
function mapModel(graph: OnnxGraph, model: tf.LayersModel, input: string, mappers: Readonly<Record<string, LayerMapper>>): string {
  const values = new Map<string, string>();
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') {
      values.set(layer.name, input);
      continue;
    }
    if (layer.inboundNodes.length !== 1) throw new UnmappableLayerError(layer.name, className, 'it is applied more than once (shared layers are not supported).');
    const sources = layer.inboundNodes[0]!.inboundLayers.map((l) => {
      const value = values.get(l.name);
      if (value === undefined) throw new UnmappableLayerError(layer.name, className, `its input ${l.name} was not mapped before it.`);
      return value;
    });
    const mapper = mappers[className];
    if (!mapper) throw new UnmappableLayerError(layer.name, className, `no ONNX mapping exists for ${className} layers.`);
    values.set(layer.name, mapper({ layer, inputs: sources, graph }));
  }
  const outputLayer = model.outputs[0]?.sourceLayer;
  const output = outputLayer && values.get(outputLayer.name);
  if (model.outputs.length !== 1 || output === undefined) throw new UnmappableLayerError(model.name, 'LayersModel', 'the model does not have exactly one mapped output.');
  return output;
}

/**
 * The translator as one ONNX graph (opset 17): inputs `image` (+ `noise`), outputs `G`, `A`, `G0`, NHWC, with a
 * dynamic batch dimension. Inside, NCHW: G0's input is the image with z broadcast over its pixels as extra
 * channels (as `generatorInput`), the attention network sees the image alone, and G = A·G0 + (1 − A)·x.
 */
export function buildOnnxModel(networks: TranslatorNetworks, options: BuildOnnxOptions = {}): Uint8Array {
  const mappers = { ...DEFAULT_MAPPERS, ...options.mappers };
  const { manifest, g0, attention, noiseSize } = networks;
  const size = manifest.config.imageSize;
  const graph = new OnnxGraph();
  const image = graph.input(ONNX_NAMES.image, [BATCH, size, size, 3], 'The images, NHWC, in [-1, 1].');
  const x = graph.node('Transpose', [image], 'image_nchw', { perm: [0, 3, 1, 2] });
  let g0Input = x;
  if (noiseSize > 0) {
    const noise = graph.input(ONNX_NAMES.noise, [BATCH, noiseSize], 'z ~ U(-1, 1) per image (imageNoise: a hash of its pixels).');
    const column = graph.node('Reshape', [noise, graph.int64s('noise_shape', [-1, noiseSize, 1, 1])], 'noise_column');
    const map = graph.node('Expand', [column, graph.int64s('noise_map_shape', [1, noiseSize, size, size])], 'noise_map');
    g0Input = graph.node('Concat', [x, map], 'g0_input_nchw', { axis: 1 });
  }
  const initial = mapModel(graph, g0, g0Input, mappers);
  const toNhwc = (value: string, name: string): string => graph.node('Transpose', [value], name, { perm: [0, 2, 3, 1] });
  if (attention) {
    const mask = mapModel(graph, attention, x, mappers);
    const kept = graph.node('Mul', [mask, initial], 'composite_attended');
    const inverse = graph.node('Sub', [graph.constant('one', [1], Float32Array.of(1)), mask], 'composite_inverse_mask');
    const passed = graph.node('Mul', [inverse, x], 'composite_passed');
    toNhwc(graph.node('Add', [kept, passed], 'composite'), ONNX_NAMES.output);
    toNhwc(mask, ONNX_NAMES.attention);
  } else {
    toNhwc(initial, ONNX_NAMES.output);
    const batch = graph.node('Shape', [image], 'batch_size', { start: 0, end: 1 });
    const shape = graph.node('Concat', [batch, graph.int64s('mask_hw1', [size, size, 1])], 'mask_shape', { axis: 0 });
    graph.node('ConstantOfShape', [shape], ONNX_NAMES.attention, { value: { tensor: { dims: [1], values: Float32Array.of(1) } } });
  }
  toNhwc(initial, ONNX_NAMES.initial);
  graph.output(ONNX_NAMES.output, [BATCH, size, size, 3], 'G(x) = A·G0(x) + (1 − A)·x, NHWC, in [-1, 1].');
  graph.output(ONNX_NAMES.attention, [BATCH, size, size, 1], 'The attention mask A(x), NHWC, in [0, 1].');
  graph.output(ONNX_NAMES.initial, [BATCH, size, size, 3], 'G0(x), NHWC, in [-1, 1].');
  return graph.encode({
    graphName: 'sim2real_translator',
    producerVersion: tf.version.tfjs,
    doc: 'sim2real translator (Show, Attend and Translate): G0, attention and the composite.',
    properties: { checkpoint: manifest.checkpoint, imageSize: String(size), noiseSize: String(noiseSize), hasAttention: String(attention !== undefined) },
  });
}

async function writeDurable(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What `exportOnnx` did. */
export interface OnnxExportResult {
  /** Path of the written file. */
  path: string;
  bytes: number;
  record: OnnxExportRecord;
  manifest: ModelManifest;
}

/**
 * Writes `<modelDir>/model.onnx` from the version's current checkpoint (write to a temporary name, then rename)
 * and records its SHA-256 in the manifest. Throws UnmappableLayerError (nothing written) when a layer has no
 * mapping, OnnxExportError when the folder cannot be written.
 */
export async function exportOnnx(modelDir: string, options: BuildOnnxOptions = {}): Promise<OnnxExportResult> {
  const networks = await loadTranslatorNetworks(modelDir);
  let bytes: Uint8Array;
  try {
    bytes = buildOnnxModel(networks, options);
  } finally {
    networks.g0.dispose();
    networks.attention?.dispose();
  }
  const path = join(modelDir, ONNX_FILE);
  const temp = join(modelDir, `.tmp-${randomBytes(3).toString('hex')}-${ONNX_FILE}`);
  const record: OnnxExportRecord = {
    file: ONNX_FILE,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    checkpoint: networks.manifest.checkpoint,
    opset: OPSET,
    exportedAt: new Date().toISOString(),
  };
  try {
    await writeDurable(temp, bytes);
    await rename(temp, path);
    const manifest = await updateModelManifest(modelDir, (m) => {
      if (m.checkpoint !== record.checkpoint) throw new Error(`the version moved on to checkpoint ${m.checkpoint} during the export; export again.`);
      return { ...m, onnx: record };
    });
    return { path, bytes: bytes.length, record, manifest };
  } catch (cause) {
    await rm(temp, { force: true });
    throw new OnnxExportError(modelDir, cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
