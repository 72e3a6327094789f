import { fromModelOutput, maskToGrey, toModelInput, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import type { Translator } from './translator.js';

/** Images per forward pass of `translateList`. */
const CHUNK = 32;

/** What `translateList` does besides translating. */
export interface TranslateListOptions {
  /** Stops between chunks. */
  readonly signal?: AbortSignal;
  /** Called after each chunk with the images translated so far. */
  readonly onProgress?: (done: number) => void;
}

/** G(x) and A(x) of every image, at the model's size, in chunks of 32 through `translator`. */
export async function translateList(
  translator: Translator,
  images: readonly RgbImage[],
  options: TranslateListOptions = {},
): Promise<{ output: RgbImage[]; attention: GreyImage[] }> {
  const output: RgbImage[] = [];
  const attention: GreyImage[] = [];
  for (let start = 0; start < images.length; start += CHUNK) {
    options.signal?.throwIfAborted();
    const input = await toModelInput(images.slice(start, start + CHUNK), translator.imageSize);
    const result = translator.translate(input);
    output.push(...fromModelOutput(result.output));
    attention.push(...maskToGrey(result.attention));
    tf.dispose([input, result.output, result.initial, result.attention]);
    options.onProgress?.(output.length);
  }
  return { output, attention };
}
