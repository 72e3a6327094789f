import type { GreyImage, RgbImage } from '@sim2real/imaging';
import { translateImages } from '@sim2real/inference';
import type { ModelLease } from './registry.js';

/** One image waiting for inference, already stretched to the model's input size. */
export interface InferenceItem {
  lease: ModelLease;
  /** imageSize × imageSize RGB. */
  pixels: RgbImage;
  wantAttention: boolean;
  wantInitial: boolean;
}

/** The model's outputs for one image, at the model's size. */
export interface InferenceOutput {
  image: RgbImage;
  initial: RgbImage | undefined;
  attention: GreyImage | undefined;
}

/**
 * Translates one batch of images that share a model version (the MicroBatcher's run function) on the version's
 * engine: onnxruntime-node runs in its own worker thread, so the event loop keeps serving while a batch runs.
 */
export async function runInferenceBatch(_key: string, items: readonly InferenceItem[]): Promise<InferenceOutput[]> {
  const first = items[0];
  if (!first) return [];
  const results = await translateImages(
    first.lease.engine,
    items.map((i) => i.pixels),
    { initial: items.some((i) => i.wantInitial), attention: items.some((i) => i.wantAttention) },
  );
  return items.map((item, n) => ({
    image: results[n]!.image,
    initial: item.wantInitial ? results[n]!.initial : undefined,
    attention: item.wantAttention ? results[n]!.attention : undefined,
  }));
}
