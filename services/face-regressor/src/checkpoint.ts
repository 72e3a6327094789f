import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@sim2real/tensor';
import { CheckpointError } from './errors.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const STATE_FILE = 'regressor.json';

/** What a checkpoint records beside the weights. */
export interface CheckpointState {
  readonly step: number;
  readonly samplesSeen: number;
  readonly lastEvalMse?: number;
  readonly config: object;
  readonly savedAt: string;
}

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Writes `model.json` + `weights.bin` (standard tfjs layers artifacts) and `regressor.json`, each atomically. */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, state: CheckpointState): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = artifacts.weightData;
        const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
        await writeDurable(join(dir, WEIGHTS_FILE), bytes);
        const modelJson = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        };
        await writeDurable(join(dir, MODEL_FILE), JSON.stringify(modelJson));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    await writeDurable(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    throw new CheckpointError(`Cannot write the regressor checkpoint in ${dir}: ${(error as Error).message}.`, dir, { cause: error });
  }
}

/** Loads a checkpoint written by saveCheckpoint. */
export async function loadCheckpoint(dir: string): Promise<{ model: tf.LayersModel; state: CheckpointState }> {
  try {
    const json = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const weights = await readFile(join(dir, WEIGHTS_FILE));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: new Uint8Array(weights).buffer,
      }),
    );
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as CheckpointState;
    return { model, state };
  } catch (error) {
    throw new CheckpointError(`Cannot read the regressor checkpoint in ${dir}: ${(error as Error).message}.`, dir, { cause: error });
  }
}
