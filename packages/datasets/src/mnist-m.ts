import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, listImageFiles, resizeImage, type RgbImage } from '@sim2real/imaging';
import { DatasetOptionError } from './errors.js';
import type { DigitSample } from './mnist.js';
import { SeededRandom } from '@sim2real/random';

export interface MnistMOptions {
  /** Folder of natural photos (PNG/JPEG, colour or grey), e.g. `../shared/data/photos`, resolved by the caller. */
  photosDir: string;
  /** Seed of the photo and crop choices. @default 0 */
  seed?: number;
  /** Output width and height; digits of another size are stretched to it first. @default 32 */
  size?: number;
  /** Pixel limit for each photo. @default 16_777_216 */
  maxPixels?: number;
  signal?: AbortSignal;
}

/** Decoded photos of a folder, each at least size × size (smaller ones are enlarged, keeping their aspect). */
async function loadPhotos(photosDir: string, size: number, maxPixels: number | undefined, signal: AbortSignal | undefined): Promise<RgbImage[]> {
  const files = await listImageFiles(photosDir);
  if (files.length === 0) throw new DatasetOptionError(`${photosDir} holds no PNG or JPEG photos to build MNIST-M from.`);
  const photos: RgbImage[] = [];
  for (const file of files) {
    signal?.throwIfAborted();
    const photo = await decodeImage(await readFile(path.join(photosDir, file), { signal }), { name: path.join(photosDir, file), maxPixels });
    const scale = Math.max(1, size / photo.width, size / photo.height);
    photos.push(scale === 1 ? photo : await resizeImage(photo, Math.ceil(photo.width * scale), Math.ceil(photo.height * scale)));
  }
  return photos;
}

/** |crop − digit| per channel over a random size × size crop of a random photo (Ganin et al. 2016, MNIST-M). */
function blend(digit: RgbImage, photos: readonly RgbImage[], random: SeededRandom): RgbImage {
  const photo = photos[random.int(photos.length)]!;
  const size = digit.width;
  const left = random.int(photo.width - size + 1);
  const top = random.int(photo.height - size + 1);
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const src = ((top + y) * photo.width + left) * 3;
    const dst = y * size * 3;
    for (let i = 0; i < size * 3; i++) data[dst + i] = Math.abs(photo.data[src + i]! - digit.data[dst + i]!);
  }
  return { width: size, height: size, data };
}

/**
 * The MNIST-M target domain: each digit blended over a random crop of a natural photo as
 * `out = |photo crop − digit|` per channel, which keeps the digit's shape but gives it the photo's colours and
 * texture. Same digits, photos and seed → the same images; labels and indices are kept.
 */
export async function makeMnistM(digits: readonly DigitSample[], options: MnistMOptions): Promise<DigitSample[]> {
  const { photosDir, seed = 0, size = 32, maxPixels, signal } = options;
  if (!Number.isSafeInteger(size) || size < 1) throw new DatasetOptionError(`size must be a positive integer, got ${size}.`);
  const photos = await loadPhotos(photosDir, size, maxPixels, signal);
  const random = new SeededRandom(seed);
  const out: DigitSample[] = [];
  for (const digit of digits) {
    signal?.throwIfAborted();
    const image = blend(await resizeImage(digit.image, size, size), photos, random);
    out.push({ ...digit, image });
  }
  return out;
}
