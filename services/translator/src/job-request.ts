import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromStruct } from '@sim2real/contracts';
import { LabelledFolderError, readFolderLabels } from '@sim2real/datasets';
import { resolveTranslationConfig, unknownTranslationOptions } from '@sim2real/translation';
import type { TranslationOptions } from '@sim2real/translation';
import { MODEL_NAME_PATTERN } from './config.js';
import type { TranslatorServerConfig } from './config.js';
import { ConfigError, InvalidRequestError, PreconditionError } from './errors.js';
import type { StartTrainingRequest, TrainingConfigMessage } from './proto.js';

/** Per-job limits: the server's config settings of those names, so that errors can name them. */
export type JobLimits = Pick<
  TranslatorServerConfig,
  'trainingMaxSteps' | 'trainingMaxImageSize' | 'trainingMaxBatchSize' | 'trainingMaxWallTimeMs' | 'maxRunningJobs' | 'trainingMemoryMb'
>;

/** A StartTraining request that passed every check: folders resolved under the training root. */
export interface ValidJobRequest {
  modelName: string;
  options: TranslationOptions;
  sourceDir: string;
  targetDir: string;
}

/** Whether `child` (an absolute path) lies under `root`, or is it. */
export function isWithin(root: string, child: string): boolean {
  const relative = path.relative(root, child);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The training root after symlinks; undefined when remote training is off; ConfigError when it is set but not a folder. */
export async function resolveTrainingRoot(root: string | undefined): Promise<string | undefined> {
  if (root === undefined) return undefined;
  const real = await realpath(root).catch(() => undefined);
  if (!real || !(await stat(real)).isDirectory()) throw new ConfigError('trainingRoot', `The training root ${root} is not a folder.`);
  return real;
}

/** Translation options from the proto's TrainingConfig: zero means default; `overrides` are translation options by name; the preset's values stand under both. */
export function trainingOptions(config: TrainingConfigMessage | null, sampleEverySteps: number): TranslationOptions {
  const options: Record<string, unknown> = {};
  if (config) {
    if (config.imageSize) options.imageSize = config.imageSize;
    if (config.steps) options.steps = config.steps;
    if (config.batchSize) options.batchSize = config.batchSize;
    if (config.noAttention) options.attention = false;
    if (config.seed && config.seed !== '0') options.seed = Number(config.seed);
    if (config.generatorWidth) options.generatorWidth = config.generatorWidth;
    if (config.residualBlocks) options.residualBlocks = config.residualBlocks;
    if (config.learningRate) options.learningRate = config.learningRate;
    if (config.preset) options.preset = config.preset;
    if (config.sourceLabels) options.labelConsistent = true;
    const overrides = fromStruct(config.overrides);
    const [unknown] = unknownTranslationOptions(overrides);
    if (unknown !== undefined) {
      throw new InvalidRequestError(`Training override "${unknown}" is not a translation option (config.schema.json lists them).`, undefined, {
        field: `config.overrides.${unknown}`,
      });
    }
    Object.assign(options, overrides);
  }
  if (sampleEverySteps) options.sampleEverySteps = sampleEverySteps;
  return options;
}

/**
 * Checks a StartTraining request against the server's limits and training root (undefined: remote training is
 * off, FAILED_PRECONDITION); INVALID_ARGUMENT naming the field otherwise.
 */
export async function validateJobRequest(request: StartTrainingRequest, root: string | undefined, limits: JobLimits): Promise<ValidJobRequest> {
  if (root === undefined) throw new PreconditionError('Remote training is disabled on this server (it was started without --training-root).');
  const { modelName } = request;
  if (!MODEL_NAME_PATTERN.test(modelName)) {
    throw new InvalidRequestError(`model_name "${modelName}" is not a valid model name (letters, digits, ".", "_", "-"; at most 128).`, undefined, {
      field: 'model_name',
    });
  }
  const options = trainingOptions(request.config, request.sampleEverySteps);
  checkLimits(resolveTranslationConfig(options), limits);
  const sourceDir = await folder('source_uri', request.sourceUri, root);
  if (options.labelConsistent) {
    // The sentence names the folder as the caller gave it, not where it lies on the server.
    await readFolderLabels(sourceDir, { within: root }).catch((error: unknown) => {
      if (!(error instanceof LabelledFolderError)) throw error;
      throw new InvalidRequestError(`source_labels: ${error.message.replaceAll(sourceDir, request.sourceUri)}`, undefined, { field: 'config.source_labels' });
    });
  }
  const targetDir = await folder('target_uri', request.targetUri, root);
  return { modelName, options, sourceDir, targetDir };
}

/**
 * A training folder: relative to the root or absolute, it must be a folder under the root after symlinks. Every
 * refusal has the same sentence, so that an answer never tells whether a path outside the root exists.
 */
async function folder(field: string, uri: string, root: string): Promise<string> {
  if (uri === '') throw new InvalidRequestError(`${field} is required: a folder under the server's training root (or a file:// URI).`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
    throw new InvalidRequestError(`${field} "${uri}" uses a scheme this server cannot read; give a folder path or a file:// URI.`);
  }
  const refused = new InvalidRequestError(`${field} "${uri}" is not a folder under the server's training root.`, undefined, { field });
  let dir: string;
  try {
    dir = path.resolve(root, uri.startsWith('file://') ? fileURLToPath(uri) : uri);
  } catch {
    throw refused;
  }
  if (!isWithin(root, dir)) throw refused;
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined || !isWithin(root, real)) throw refused;
  if (!(await stat(real).catch(() => undefined))?.isDirectory()) throw refused;
  return real;
}

/** INVALID_ARGUMENT naming the limit when the resolved config asks for more than a job may have. */
function checkLimits(config: { steps: number; imageSize: number; batchSize: number }, limits: JobLimits): void {
  const checks: [string, number, keyof JobLimits][] = [
    ['steps', config.steps, 'trainingMaxSteps'],
    ['image size', config.imageSize, 'trainingMaxImageSize'],
    ['batch size', config.batchSize, 'trainingMaxBatchSize'],
  ];
  for (const [what, value, limit] of checks) {
    if (value > limits[limit]) throw new InvalidRequestError(`A ${what} of ${value} is over this server's limit of ${limits[limit]} (${limit}).`);
  }
}
