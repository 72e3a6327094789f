import type { tf } from '@sim2real/tensor';
import { ImageShapeError } from './errors.js';
import type { GreyImage, RgbImage } from './image.js';
import { packImages, packedToTensor, packedToValues } from './pack.js';

/*
 * Resize policy (see README.md): images are stretched to size × size on the way into the model and the outputs
 * are stretched back to each input's original width × height by the caller (resizeImage). The translator is
 * fully convolutional but trained at one scale, so feeding it the training scale matters more than keeping the
 * aspect ratio; and mirroring sizes (no crop, no padding) maps every output pixel back onto the input pixel it
 * came from, so label geometry such as 3DMM landmarks or segmentation masks stays aligned.
 */

/**
 * Stretches each image to size × size and stacks them as a float32 `[n, size, size, 3]` tensor in [-1, 1].
 * The caller owns (disposes) the tensor.
 */
export async function toModelInput(images: readonly RgbImage[], size: number): Promise<tf.Tensor4D> {
  if (images.length === 0) throw new ImageShapeError('toModelInput needs at least one image.');
  const packed = await packImages(images, size);
  const stride = size * size * 3;
  return packedToTensor(packed, images.map((_, n) => n * stride), size);
}

/** As toModelInput, as plain float32 values (NHWC, `n × size × size × 3`) for engines other than TensorFlow.js. */
export async function toModelValues(images: readonly RgbImage[], size: number): Promise<Float32Array> {
  if (images.length === 0) throw new ImageShapeError('toModelValues needs at least one image.');
  const packed = await packImages(images, size);
  const stride = size * size * 3;
  return packedToValues(packed, images.map((_, n) => n * stride), size);
}

function checkTensor(t: tf.Tensor4D, channels: number, what: string): [number, number, number] {
  const [n, height, width, c] = t.shape;
  if (t.rank !== 4 || c !== channels) {
    throw new ImageShapeError(`${what} must be [n, height, width, ${channels}], got [${t.shape.join(', ')}].`);
  }
  return [n, height, width];
}

function toByte(v: number): number {
  return v > 0 ? (v < 255 ? Math.round(v) : 255) : 0; // NaN and negatives → 0
}

function splitImages(values: ArrayLike<number>, n: number, height: number, width: number, channels: number, scale: (v: number) => number): { width: number; height: number; data: Uint8Array }[] {
  const stride = height * width * channels;
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) data[i] = toByte(scale(values[k * stride + i]!));
    return { width, height, data };
  });
}

/** A generator's `[n, h, w, 3]` output in [-1, 1] as RGB8 images (values clamped). Does not dispose `t`. */
export function fromModelOutput(t: tf.Tensor4D): RgbImage[] {
  const [n, height, width] = checkTensor(t, 3, 'Model output');
  return valuesToImages(t.dataSync(), n, height, width);
}

/** An attention mask `[n, h, w, 1]` in [0, 1] as grey images (values clamped). Does not dispose `t`. */
export function maskToGrey(t: tf.Tensor4D): GreyImage[] {
  const [n, height, width] = checkTensor(t, 1, 'Mask');
  return valuesToMasks(t.dataSync(), n, height, width);
}

/** fromModelOutput on plain values: `n × height × width × 3` floats in [-1, 1]. */
export function valuesToImages(values: ArrayLike<number>, n: number, height: number, width: number): RgbImage[] {
  return splitImages(values, n, height, width, 3, (v) => (v + 1) * 127.5);
}

/** maskToGrey on plain values: `n × height × width` floats in [0, 1]. */
export function valuesToMasks(values: ArrayLike<number>, n: number, height: number, width: number): GreyImage[] {
  return splitImages(values, n, height, width, 1, (v) => v * 255);
}
