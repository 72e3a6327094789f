import { toModelValues, valuesToImages, valuesToMasks } from '@sim2real/imaging';
import type { GreyImage, RgbImage } from '@sim2real/imaging';
import type { InferenceEngine } from './engine.js';

/** What to return besides G(x). */
export interface TranslateImagesOptions {
  /** Noise draw (see imageNoise). @default 0 */
  draw?: number;
  /** Return G0(x) too. @default false */
  initial?: boolean;
  /** Return the attention mask too. @default false */
  attention?: boolean;
}

/** One image's translation at the model's size. */
export interface TranslatedImages {
  image: RgbImage;
  initial: RgbImage | undefined;
  attention: GreyImage | undefined;
}

/** Stretches `images` to the model size, runs them as one batch on `engine`, and returns RGB8 / grey results. */
export async function translateImages(engine: InferenceEngine, images: readonly RgbImage[], options: TranslateImagesOptions = {}): Promise<TranslatedImages[]> {
  const size = engine.imageSize;
  const count = images.length;
  if (count === 0) return [];
  const outputs = await engine.run(await toModelValues(images, size), count, options.draw ?? 0);
  const translated = valuesToImages(outputs.output, count, size, size);
  const initials = options.initial ? valuesToImages(outputs.initial, count, size, size) : undefined;
  const masks = options.attention ? valuesToMasks(outputs.attention, count, size, size) : undefined;
  return translated.map((image, n) => ({ image, initial: initials?.[n], attention: masks?.[n] }));
}
