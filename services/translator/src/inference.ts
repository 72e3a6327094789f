import { fromModelOutput, maskToGrey, toModelInput } from '@sim2real/imaging';
import type { GreyImage, RgbImage } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
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
 * Translates one batch of images that share a model version (the MicroBatcher's run function). The tensors live
 * only inside this call, so a cancelled request never leaves tensors behind in the queue.
 */
export async function runInferenceBatch(_key: string, items: readonly InferenceItem[]): Promise<InferenceOutput[]> {
  const first = items[0];
  if (!first) return [];
  const { translator } = first.lease;
  const input = await toModelInput(
    items.map((i) => i.pixels),
    translator.imageSize,
  );
  try {
    const result = translator.translate(input);
    try {
      const images = fromModelOutput(result.output);
      const initial = items.some((i) => i.wantInitial) ? fromModelOutput(result.initial) : undefined;
      const attention = items.some((i) => i.wantAttention) ? maskToGrey(result.attention) : undefined;
      return items.map((item, n) => ({
        image: images[n]!,
        initial: item.wantInitial ? initial?.[n] : undefined,
        attention: item.wantAttention ? attention?.[n] : undefined,
      }));
    } finally {
      tf.dispose([result.output, result.initial, result.attention]);
    }
  } finally {
    input.dispose();
  }
}
