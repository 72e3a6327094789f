import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { iterateFaces, writeFaceDataset, type FaceSample, type FaceStyle } from '@sim2real/face-synth';
import { readModelManifest, resolveTranslationConfig, type TranslationConfig } from '@sim2real/translation';
import type { TranslatorClient } from '@sim2real/client';
import { toStruct } from '@sim2real/contracts';
import type { DemoConfig } from './config.js';

/** One labelled face folder of the demo's cache (PNGs + labels.jsonl). */
export interface FaceSetSpec {
  readonly style: FaceStyle;
  readonly count: number;
  readonly seed: number;
}

/** The face sets of a run: the generator's unpaired training faces, the test faces, the published ones. */
export function faceSets(config: DemoConfig): { sim: FaceSetSpec; real: FaceSetSpec; test: FaceSetSpec; publishSeed: number } {
  const seed = config.seed * 10;
  return {
    sim: { style: 'sim', count: config.generatorFaces, seed: seed + 1 },
    real: { style: 'real', count: config.generatorFaces, seed: seed + 2 },
    test: { style: 'real', count: config.testFaces, seed: seed + 3 },
    // Faces the generator never saw go through the pipeline.
    publishSeed: seed + 4,
  };
}

/** `<data>/faces/<style>-<size>px-<count>-seed<seed>`: rendered once, reused by every later run. */
export function faceSetDir(config: DemoConfig, set: FaceSetSpec): string {
  return path.join(config.dataDir, 'faces', `${set.style}-${config.size}px-${set.count}-seed${set.seed}`);
}

/** Renders a face set into its cache folder unless it is there (written to a temporary name, then renamed). */
export async function renderFaceSet(
  config: DemoConfig,
  set: FaceSetSpec,
  onProgress: (done: number) => void,
  signal: AbortSignal,
): Promise<{ dir: string; cached: boolean }> {
  const dir = faceSetDir(config, set);
  if (existsSync(dir)) return { dir, cached: true };
  const faces: FaceSample[] = [];
  for await (const face of iterateFaces({ ...set, size: config.size, photosDir: config.photosDir, signal })) {
    faces.push(face);
    onProgress(faces.length);
  }
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await writeFaceDataset(temp, faces);
  await rename(temp, dir);
  return { dir, cached: false };
}

/** The demo's generator: the 'faces' preset at the demo's size, steps and seed. */
export function generatorConfig(config: DemoConfig): TranslationConfig {
  return resolveTranslationConfig({ preset: 'faces', imageSize: config.size, steps: config.generatorSteps, seed: config.seed + 1 });
}

/** `faces-<hash>`: one registry model per generator config, training set and VGG weights (or their absence). */
export function generatorName(config: DemoConfig): string {
  const { sim, real } = faceSets(config);
  const key = JSON.stringify({ generator: generatorConfig(config), sim, real, size: config.size, vgg: config.vggDir !== undefined });
  return `faces-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/** The newest fully trained version of `name` in the registry (`name@version`), if any. */
export async function cachedGenerator(registryDir: string, name: string): Promise<string | undefined> {
  const versions = await readdir(path.join(registryDir, name)).catch(() => [] as string[]);
  for (const version of versions.filter((v) => !v.startsWith('.')).sort().reverse()) {
    const manifest = await readModelManifest(path.join(registryDir, name, version)).catch(() => undefined);
    if (manifest?.complete) return `${name}@${version}`;
  }
  return undefined;
}

/** Where a training job is, for the progress line. */
export interface GeneratorProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly stage: string;
  readonly message: string;
}

/**
 * Trains the generator on the translator (StartTraining, then WatchTraining until the job ends): the job trains in
 * a process of the translator's, straight into its registry. Resolves to `name@version`.
 */
export async function trainGenerator(
  client: TranslatorClient,
  request: { name: string; sourceDir: string; targetDir: string; config: TranslationConfig },
  onProgress: (progress: GeneratorProgress) => void,
  signal: AbortSignal,
): Promise<string> {
  const job = await client.startTraining(
    {
      modelName: request.name,
      sourceUri: request.sourceDir,
      targetUri: request.targetDir,
      config: { overrides: overridesOf(request.config) },
    },
    { signal },
  );
  const onAbort = (): void => void client.cancelTraining(job.jobId).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const event of client.watchTraining(job.jobId, { signal })) {
      const stage = event.trainingStage === 'TRAINING_STAGE_UNSPECIFIED' ? '' : event.trainingStage.slice('TRAINING_STAGE_'.length).toLowerCase();
      onProgress({ ...event, stage });
      if (event.state === 'JOB_STATE_SUCCEEDED') return event.modelVersion;
      if (event.state === 'JOB_STATE_FAILED' || event.state === 'JOB_STATE_CANCELLED') throw new Error(`Training the generator ended ${event.state.slice(10).toLowerCase()}: ${event.message}`);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();
  throw new Error('The translator closed the training watch before the job ended.');
}

/** Every option that differs from the translation defaults, as StartTraining overrides (by option name). */
function overridesOf(config: TranslationConfig): ReturnType<typeof toStruct> {
  const defaults = resolveTranslationConfig() as unknown as Record<string, unknown>;
  return toStruct(Object.fromEntries(Object.entries(config).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key]))));
}
