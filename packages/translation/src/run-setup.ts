import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceLabels } from '@sim2real/datasets';
import type { ImageSet } from '@sim2real/imaging';
import { type ModelManifest, readModelManifest } from './checkpoint.js';
import type { TranslationConfig } from './config.js';
import { ConfigError, ModelLoadError } from './errors.js';
import { checkSourceLabels, labelSetRecord } from './label-consistency.js';
import { type TrainingEvent, TrainingProgress } from './training-progress.js';

/** What `train` is asked to do. */
export interface TrainRequest {
  /** Synthetic images (domain X), at config.imageSize. */
  source: ImageSet;
  /** Real images (domain Y), at config.imageSize. */
  target: ImageSet;
  /** The labels of the source images, one per image in `source`'s order; required exactly when config.labelConsistent. */
  sourceLabels?: SourceLabels;
  /** Folder the model version is written to (manifest, checkpoint, samples/, train-log.jsonl, report.html). */
  modelDir: string;
  config: TranslationConfig;
  /** VGG-19 weights (tfjs layers format); without them training runs in the announced degraded mode. */
  vggDir?: string;
  /** Continue from the checkpoint in modelDir (stage, step, λ, optimizer state); its stored config wins. */
  resume?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: TrainingEvent) => void;
}

/** What a run starts from: the checkpoint it resumes (if any), the configuration in force and its checked labels. */
export interface RunSetup {
  /** The manifest of the checkpoint being resumed; undefined for a fresh run. */
  previous: ModelManifest | undefined;
  /** The stored configuration on resume, else the request's. */
  config: TranslationConfig;
  /** The source labels of a label-consistent run. */
  labels: SourceLabels | undefined;
  progress: TrainingProgress;
}

/**
 * Prepares `request.modelDir` (samples/, a fresh train-log.jsonl unless resuming), picks the configuration,
 * checks the image sets and labels against it (ConfigError) and warns about what resuming ignores.
 */
export async function prepareRun(request: TrainRequest): Promise<RunSetup> {
  const { modelDir } = request;
  await mkdir(join(modelDir, 'samples'), { recursive: true });
  const previous = request.resume ? await readResumable(modelDir) : undefined;
  const config = previous?.config ?? request.config;
  const progress = new TrainingProgress(modelDir, config, request.onEvent);
  if (!previous) await progress.clearLog();
  checkImageSet(request.source, 'source', config.imageSize);
  checkImageSet(request.target, 'target', config.imageSize);
  const labels = labelsFor(config, request.sourceLabels, request.source.count, previous);
  if (request.resume && !previous) await progress.warn(`Nothing to resume in ${modelDir}; starting a new training run.`, 'g0', 0);
  if (previous && JSON.stringify(previous.config) !== JSON.stringify(request.config)) {
    await progress.warn('Resuming with the configuration stored in the model folder; the configuration passed in was ignored.', previous.stage, previous.step);
  }
  return { previous, config, labels, progress };
}

/** The manifest to resume from; undefined when `modelDir` holds none. */
async function readResumable(modelDir: string): Promise<ModelManifest | undefined> {
  try {
    return await readModelManifest(modelDir);
  } catch (error) {
    if (error instanceof ModelLoadError && error.reason.includes('missing')) return undefined;
    throw error;
  }
}

function checkImageSet(set: ImageSet, field: 'source' | 'target', size: number): void {
  if (set.count < 1) throw new ConfigError(field, `The ${field} image set is empty.`);
  if (set.size !== size) throw new ConfigError(field, `The ${field} images are ${set.size} px but the model's imageSize is ${size} px.`);
}

/**
 * The source labels a run learns from: undefined for an unsupervised run; checked against the source images and,
 * on resume, against the label set the model was trained on. Throws ConfigError with the reason.
 */
function labelsFor(config: TranslationConfig, labels: SourceLabels | undefined, sourceCount: number, previous: ModelManifest | undefined): SourceLabels | undefined {
  if (!config.labelConsistent) {
    if (labels) throw new ConfigError('sourceLabels', 'Source labels were given but labelConsistent is false; set it to train label-consistent.');
    return undefined;
  }
  if (!labels) throw new ConfigError('sourceLabels', 'labelConsistent training needs the source images\' labels (sourceLabels).');
  checkSourceLabels(labels, sourceCount);
  const recorded = previous?.labelConsistency?.sha256;
  if (recorded !== undefined && recorded !== labelSetRecord(labels).sha256) {
    throw new ConfigError('sourceLabels', 'The source labels differ from those the model was trained on; resume with the same labelled source.');
  }
  return labels;
}
