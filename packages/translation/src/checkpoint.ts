import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { StageName, TranslationConfig } from './config.js';
import { ModelLoadError } from './errors.js';
import type { LabelSetRecord } from './label-consistency.js';
import { writeFileDurable } from './layers-io.js';

export const MANIFEST_FILE = 'sim2real-model.json';
export const MODEL_FORMAT = 'sim2real-model';
export const MODEL_FORMAT_VERSION = 1;
const CHECKPOINT_PREFIX = 'ckpt-';
const TEMP_PREFIX = '.tmp-';
/** Config fields added after format version 1 was fixed, with the values models written before them used. */
const FIELDS_OF_EARLIER_MODELS: Partial<TranslationConfig> = { upsampling: 'transposed', refinementDiscriminatorRateScale: 1, noiseSize: 0, attentionInitialMask: 0.5, diversityWeight: 0, diversityCap: 1, discriminatorAugment: [], discriminatorBatchStddev: false, selfRegularisationPolarity: 'same', labelConsistent: false, labelConsistencyWeight: 1, taskNetworkWidth: 16, taskLearningRate: 1e-3 };

/** Summary numbers of a training run, as stored in the manifest. */
export interface ModelMetrics {
  /** Losses of the last step (g_adv, g_reg, g_total, d). */
  finalLosses: Record<string, number>;
  /** λ in force at the last step. */
  lambda: number;
  /** λ each completed stage ended with. */
  stageLambdas: Partial<Record<StageName, number>>;
  /** Global steps done. */
  steps: number;
  /** Training wall time summed over runs (resumes add up), in ms. */
  wallTimeMs: number;
}

/** `sim2real-model.json`: the commit record of a model folder (one registry version). */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  /** ISO time the folder was first written. */
  created: string;
  /** ISO time of this checkpoint. */
  updated: string;
  /** tfjs backend that trained it. */
  backend: string;
  config: TranslationConfig;
  /** Stage the last step belonged to. */
  stage: StageName;
  /** Global steps done (1-based count). */
  step: number;
  totalSteps: number;
  /** All `totalSteps` done. */
  complete: boolean;
  /** An attention network is stored (trained at least partly); otherwise the mask is all ones. */
  hasAttention: boolean;
  /** Trained without VGG-19 weights (pixel L1 self-regularisation, random attention encoder). */
  degraded: boolean;
  degradedReasons: string[];
  /** Sub-folder holding this checkpoint's networks (g0/, attention/, discriminator/, trainer/). */
  checkpoint: string;
  metrics: ModelMetrics;
  /**
   * Present when the model was trained label-consistent (config.labelConsistent): the label set of its source
   * images. Serving needs no labels; this says what the translations were trained to keep.
   */
  labelConsistency?: LabelSetRecord;
  /** The ONNX export of this checkpoint (`sim2real export`, or `train` when it finishes); absent on older models. */
  onnx?: OnnxExportRecord;
  /**
   * Lower-case hex SHA-256 of every file of the checkpoint folder (what loading reads), keyed by its path relative
   * to the model folder with `/` separators. Absent in models written before checksums were recorded.
   */
  files?: Record<string, string>;
}

/** What `sim2real export` wrote into a version folder. */
export interface OnnxExportRecord {
  /** File name inside the version folder (`model.onnx`). */
  file: string;
  /** SHA-256 of the file, lower-case hex. */
  sha256: string;
  /** The checkpoint folder it was exported from: an export of another checkpoint is stale and not used. */
  checkpoint: string;
  /** ONNX opset the graph targets. */
  opset: number;
  /** ISO time of the export. */
  exportedAt: string;
}

/** Lower-case hex SHA-256 of a file's bytes. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 of every file under `<modelDir>/<folder>`, keyed by path relative to `modelDir` (`/` separators). */
export async function hashModelFiles(modelDir: string, folder: string): Promise<Record<string, string>> {
  const entries = await readdir(join(modelDir, folder), { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const hashes = await Promise.all(files.map(async (file) => [relative(modelDir, file).split(sep).join('/'), await sha256File(file)] as const));
  return Object.fromEntries(hashes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Checks every file the manifest records against its SHA-256; returns the first that is missing or differs (with
 * the reason), undefined when all match or the manifest records none.
 */
export async function verifyModelFiles(modelDir: string, manifest: ModelManifest): Promise<{ file: string; problem: string } | undefined> {
  for (const [file, expected] of Object.entries(manifest.files ?? {})) {
    if (file.split('/').includes('..')) return { file, problem: 'its path leaves the model folder' };
    let actual: string;
    try {
      actual = await sha256File(join(modelDir, ...file.split('/')));
    } catch {
      return { file, problem: 'it is missing or unreadable' };
    }
    if (actual !== expected) return { file, problem: 'its SHA-256 does not match the manifest (corrupt or truncated)' };
  }
  return undefined;
}

/**
 * Writes one checkpoint atomically: `fill` writes into a fresh temporary folder, which is renamed to a
 * new `ckpt-*` folder; then the manifest naming it replaces the old one (write + rename), and only then
 * are older checkpoint folders removed. A crash at any point leaves the previous manifest and the folder
 * it names intact.
 */
export async function commitCheckpoint(
  modelDir: string,
  manifest: Omit<ModelManifest, 'checkpoint' | 'files'>,
  fill: (dir: string) => Promise<void>,
): Promise<ModelManifest> {
  await mkdir(modelDir, { recursive: true });
  const name = `${CHECKPOINT_PREFIX}${String(manifest.step).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
  const temp = join(modelDir, `${TEMP_PREFIX}${name}`);
  await mkdir(temp);
  await fill(temp);
  await rename(temp, join(modelDir, name));
  const full: ModelManifest = { ...manifest, checkpoint: name, files: await hashModelFiles(modelDir, name) };
  const manifestTemp = join(modelDir, `${TEMP_PREFIX}${MANIFEST_FILE}`);
  await writeFileDurable(manifestTemp, `${JSON.stringify(full, null, 2)}\n`);
  await rename(manifestTemp, join(modelDir, MANIFEST_FILE));
  for (const entry of await readdir(modelDir)) {
    if ((entry.startsWith(CHECKPOINT_PREFIX) || entry.startsWith(TEMP_PREFIX)) && entry !== name) {
      await rm(join(modelDir, entry), { recursive: true, force: true });
    }
  }
  return full;
}

/** Replaces the manifest of `modelDir` with `update(manifest)`, atomically (write + rename), and returns it. */
export async function updateModelManifest(modelDir: string, update: (manifest: ModelManifest) => ModelManifest): Promise<ModelManifest> {
  const next = update(await readModelManifest(modelDir));
  const manifestTemp = join(modelDir, `${TEMP_PREFIX}${MANIFEST_FILE}`);
  await writeFileDurable(manifestTemp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(manifestTemp, join(modelDir, MANIFEST_FILE));
  return next;
}

/** Reads and checks `<modelDir>/sim2real-model.json`; throws ModelLoadError with the reason. */
export async function readModelManifest(modelDir: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(join(modelDir, MANIFEST_FILE), 'utf8');
  } catch (cause) {
    throw new ModelLoadError(modelDir, `${MANIFEST_FILE} is missing or unreadable`, { cause });
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (cause) {
    throw new ModelLoadError(modelDir, `${MANIFEST_FILE} is not valid JSON`, { cause });
  }
  if (manifest.format !== MODEL_FORMAT || manifest.version !== MODEL_FORMAT_VERSION) {
    throw new ModelLoadError(
      modelDir,
      `${MANIFEST_FILE} has format ${String(manifest.format)} version ${String(manifest.version)}, expected ${MODEL_FORMAT} version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (typeof manifest.checkpoint !== 'string' || !manifest.checkpoint.startsWith(CHECKPOINT_PREFIX) || manifest.checkpoint.includes('/')) {
    throw new ModelLoadError(modelDir, `${MANIFEST_FILE} names no valid checkpoint folder`);
  }
  return { ...manifest, config: { ...FIELDS_OF_EARLIER_MODELS, ...manifest.config } };
}
