import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MAX_PIXELS, decodeImage, encodePng, resizeImage } from '@sim2real/imaging';
import type { GreyImage, RgbImage, SkippedFile } from '@sim2real/imaging';
import type { InferenceEngine } from './engine.js';
import { translateImages } from './translate.js';

/** Where `translateFolder` reads and writes, and how. */
export interface TranslateFolderOptions {
  /** The folder the `files` are relative to. */
  readonly inDir: string;
  /** Translated images G(x), one PNG per input and draw, mirroring the relative paths. */
  readonly out: string;
  /** Also the attention masks A(x), grey PNGs (draw 0 only: the mask does not depend on the noise). */
  readonly attentionOut?: string;
  /** Also the vanilla generator's output G0(x). */
  readonly initialOut?: string;
  /** Translations of each image under different noise draws. @default 1 */
  readonly draws?: number;
  /** Images per forward pass. @default 16 */
  readonly batchSize?: number;
  /** Inputs with more pixels are skipped. @default DEFAULT_MAX_PIXELS */
  readonly maxPixels?: number;
  /** Stops between batches (the images written so far are complete). */
  readonly signal?: AbortSignal;
  /** Called after each batch with the inputs done so far (translated or skipped). */
  readonly onProgress?: (done: number, skipped: number) => void;
  /** Called for each input that could not be decoded. */
  readonly onSkipped?: (skipped: SkippedFile) => void;
}

/** Where draw `draw` of input `file` is written, relative to an output folder: x.jpg → x.png, x-draw1.png, … */
export function translatedFileName(file: string, draw = 0): string {
  return file.replace(/\.(png|jpe?g)$/i, '') + (draw === 0 ? '' : `-draw${draw}`) + '.png';
}

/**
 * Translates `files` (paths relative to `inDir`) with `engine`, writing each result at its input's width and
 * height; resolves to the inputs that were skipped (undecodable or too large).
 */
export async function translateFolder(engine: InferenceEngine, files: readonly string[], options: TranslateFolderOptions): Promise<SkippedFile[]> {
  const batchSize = options.batchSize ?? 16;
  const skipped: SkippedFile[] = [];
  for (let start = 0; start < files.length && !options.signal?.aborted; start += batchSize) {
    const batch = files.slice(start, start + batchSize);
    const decoded = await Promise.all(batch.map((file) => decodeInput(file, options, skipped)));
    const ok = decoded.filter((d) => d !== undefined);
    if (ok.length > 0) await translateBatch(engine, ok, options);
    options.onProgress?.(start + batch.length, skipped.length);
  }
  return skipped;
}

async function decodeInput(file: string, options: TranslateFolderOptions, skipped: SkippedFile[]): Promise<{ file: string; image: RgbImage } | undefined> {
  try {
    return { file, image: await decodeImage(await readFile(path.join(options.inDir, file)), { name: file, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }) };
  } catch (error) {
    const entry = { file, reason: error instanceof Error ? error.message : String(error) };
    skipped.push(entry);
    options.onSkipped?.(entry);
    return undefined;
  }
}

async function translateBatch(engine: InferenceEngine, items: { file: string; image: RgbImage }[], options: TranslateFolderOptions): Promise<void> {
  const images = items.map((i) => i.image);
  for (let draw = 0; draw < (options.draws ?? 1); draw++) {
    // The mask does not depend on the noise: one per image.
    const results = await translateImages(engine, images, { draw, initial: options.initialOut !== undefined, attention: options.attentionOut !== undefined && draw === 0 });
    await Promise.all(
      items.map(async ({ file, image }, i) => {
        const { image: translated, initial, attention } = results[i]!;
        const name = translatedFileName(file, draw);
        await writeAtInputSize(options.out, name, translated, image);
        if (initial && options.initialOut) await writeAtInputSize(options.initialOut, name, initial, image);
        if (attention && options.attentionOut) await writeAtInputSize(options.attentionOut, name, attention, image);
      }),
    );
  }
}

/** Writes `image` as `<dir>/<file>` (a .png name) resized back to the input's width and height. */
async function writeAtInputSize(dir: string, file: string, image: RgbImage | GreyImage, input: RgbImage): Promise<void> {
  const target = path.join(dir, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, await encodePng(await resizeImage(image, input.width, input.height)));
}
