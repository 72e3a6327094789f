import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage, listImageFiles, type RgbImage } from '@sim2real/imaging';
import { BackgroundsError } from './errors.js';
import type { SeededRandom } from '@sim2real/random';
import { valueNoise3 } from './random.js';

/** Decoded photos that `real`-style faces are composited over. */
export interface BackgroundSet {
  readonly dir: string;
  readonly photos: readonly RgbImage[];
}

/**
 * Decodes every PNG/JPEG under `dir` once.
 * @throws BackgroundsError when the folder is unreadable or holds no decodable image
 */
export async function loadBackgrounds(dir: string): Promise<BackgroundSet> {
  let files: string[];
  try {
    files = await listImageFiles(dir);
  } catch (error) {
    throw new BackgroundsError(`Cannot read the background photo folder ${dir}.`, dir, { cause: error });
  }
  const photos: RgbImage[] = [];
  for (const file of files) {
    const path = join(dir, file);
    photos.push(await decodeImage(await readFile(path), { name: path }));
  }
  if (photos.length === 0) throw new BackgroundsError(`The background photo folder ${dir} holds no PNG or JPEG image.`, dir);
  return { dir, photos };
}

/**
 * Fills `out` (size × size × 3, values in [0, 1]) with a random crop of a random photo: crop side 35–100 % of the
 * photo's shorter side, possibly mirrored, bilinear.
 */
export function paintPhotoCrop(backgrounds: BackgroundSet, rng: SeededRandom, size: number, out: Float32Array): void {
  const photo = backgrounds.photos[rng.int(backgrounds.photos.length)]!;
  const side = Math.min(photo.width, photo.height) * rng.uniform(0.35, 1);
  const x0 = rng.uniform(0, photo.width - side);
  const y0 = rng.uniform(0, photo.height - side);
  const mirror = rng.next() < 0.5;
  const step = side / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(photo.height - 1, Math.max(0, y0 + (y + 0.5) * step - 0.5));
    const iy = Math.min(photo.height - 2, Math.floor(sy));
    const fy = sy - iy;
    for (let x = 0; x < size; x++) {
      const xx = mirror ? size - 1 - x : x;
      const sx = Math.min(photo.width - 1, Math.max(0, x0 + (xx + 0.5) * step - 0.5));
      const ix = Math.min(photo.width - 2, Math.floor(sx));
      const fx = sx - ix;
      const o = 3 * (y * size + x);
      for (let c = 0; c < 3; c++) {
        const p00 = photo.data[3 * (iy * photo.width + ix) + c]!;
        const p01 = photo.data[3 * (iy * photo.width + ix + 1) + c]!;
        const p10 = photo.data[3 * ((iy + 1) * photo.width + ix) + c]!;
        const p11 = photo.data[3 * ((iy + 1) * photo.width + ix + 1) + c]!;
        const top = p00 + (p01 - p00) * fx;
        const bottom = p10 + (p11 - p10) * fx;
        out[o + c] = (top + (bottom - top) * fy) / 255;
      }
    }
  }
}

/** Fills `out` with smooth coloured clutter: the `real` background when no photo folder is given. */
export function paintClutter(rng: SeededRandom, size: number, out: Float32Array): void {
  const seed = rng.int(2 ** 31);
  const frequency = rng.uniform(3, 10) / size;
  const base = [rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const n = valueNoise3(x * frequency, y * frequency, c * 7.31, seed) + 0.5 * valueNoise3(x * frequency * 4, y * frequency * 4, c * 3.1, seed + 1);
        out[3 * (y * size + x) + c] = base[c]! + 0.3 * n;
      }
    }
  }
}
