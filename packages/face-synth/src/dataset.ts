import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { loadBackgrounds, type BackgroundSet } from './backgrounds.js';
import { FaceSynthConfigError } from './errors.js';
import { createFaceModel, type FaceModelOptions } from './model.js';
import { mixSeed } from '@sim2real/random';
import { renderFace, type FaceStyle } from './render.js';
import { sampleFace, type FaceParams, type SampleFaceOptions } from './scene.js';

export interface FaceDatasetOptions {
  count: number;
  style: FaceStyle;
  /** Image width and height in pixels. @default 64 */
  size?: number;
  /** Seed of the whole set: face i is `sampleFace(mixSeed(seed, i))`. @default 0 */
  seed?: number;
  /** Photo folder for `real` backgrounds (ignored for `sim`); without it, procedural clutter. */
  photosDir?: string;
  /** Already decoded photos (wins over `photosDir`). */
  backgrounds?: BackgroundSet;
  /** Index of the first face, to continue a set in pieces. @default 0 */
  start?: number;
  model?: FaceModelOptions;
  sample?: SampleFaceOptions;
  signal?: AbortSignal;
}

/** One rendered face with its label. */
export interface FaceSample {
  /** `<seed>-<index>`, stable across runs and styles. */
  id: string;
  params: FaceParams;
  image: RgbImage;
  mask: GreyImage;
}

/**
 * Renders faces one by one (an async iterable, so a publisher can stream any count). The same seed gives the same
 * shapes, poses and framing in both styles: only the appearance differs.
 */
export async function* iterateFaces(options: FaceDatasetOptions): AsyncGenerator<FaceSample> {
  const { count, style, size = 64, seed = 0, start = 0 } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new FaceSynthConfigError(`count must be a non-negative integer, got ${count}.`, 'count');
  }
  const model = createFaceModel(options.model);
  const sample = { ...options.sample, components: options.sample?.components ?? model.componentCount };
  const backgrounds =
    style === 'real' ? (options.backgrounds ?? (options.photosDir ? await loadBackgrounds(options.photosDir) : undefined)) : undefined;
  for (let i = start; i < start + count; i++) {
    options.signal?.throwIfAborted();
    const faceSeed = mixSeed(seed, i);
    const params = sampleFace(faceSeed, sample);
    const { image, mask } = await renderFace({ ...params, style, size, seed: mixSeed(faceSeed, 1), backgrounds, model });
    yield { id: `${seed}-${i}`, params, image, mask };
  }
}

/** Renders a whole set into memory. */
export async function generateFaceDataset(options: FaceDatasetOptions): Promise<FaceSample[]> {
  const samples: FaceSample[] = [];
  for await (const sample of iterateFaces(options)) samples.push(sample);
  return samples;
}

/**
 * Writes a labelled folder: `<id>.png` per face and `labels.jsonl` lines `{"file", "label"}` (label = the coefficient
 * vector), the format `readLabelledFolder` reads. Masks go to a sibling folder `<dir>-masks` when asked, so that
 * image-folder readers of `dir` see faces only.
 */
export async function writeFaceDataset(dir: string, samples: readonly FaceSample[], options: { masks?: boolean } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (options.masks) await mkdir(`${dir}-masks`, { recursive: true });
  const lines: string[] = [];
  for (const sample of samples) {
    const file = `${sample.id}.png`;
    await writeFile(join(dir, file), await encodePng(sample.image));
    if (options.masks) await writeFile(join(`${dir}-masks`, file), await encodePng(sample.mask));
    lines.push(JSON.stringify({ file, label: Array.from(sample.params.coefficients, round6) }));
  }
  await writeFile(join(dir, 'labels.jsonl'), `${lines.join('\n')}\n`);
}

function round6(x: number): number {
  return Number(x.toPrecision(7));
}
