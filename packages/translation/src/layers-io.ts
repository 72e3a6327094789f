import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@sim2real/tensor';

/** A tensor with its name, as tf.Optimizer.getWeights returns them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Writes a file and flushes it to disk before returning. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
}

/** Saves a layers model as standard tfjs artifacts: `dir/model.json` + `dir/weights.bin`. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileDurable(join(dir, 'weights.bin'), weightBytes(artifacts.weightData));
      await writeFileDurable(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Loads a layers model written by saveLayersModel (or any single-folder tfjs layers model). */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** Encodes named tensors (optimizer state) as `name.json` (specs) + `name.bin`. */
export async function saveNamedTensors(tensors: NamedTensor[], dir: string, name: string): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await writeFileDurable(join(dir, `${name}.bin`), new Uint8Array(data));
  await writeFileDurable(join(dir, `${name}.json`), JSON.stringify(specs));
}

/** Reads what saveNamedTensors wrote, in the original order; undefined when absent. */
export async function loadNamedTensors(dir: string, name: string): Promise<NamedTensor[] | undefined> {
  let specs: tf.io.WeightsManifestEntry[];
  let data: Buffer;
  try {
    specs = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as tf.io.WeightsManifestEntry[];
    data = await readFile(join(dir, `${name}.bin`));
  } catch {
    return undefined;
  }
  const map = tf.io.decodeWeights(new Uint8Array(data).buffer, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
}
