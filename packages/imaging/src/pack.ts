import { tf } from '@sim2real/tensor';
import { ImageShapeError } from './errors.js';
import type { RgbImage } from './image.js';
import { resizeImage } from './resize.js';

/** byte → [-1, 1] lookup: v / 127.5 − 1. */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/** Stretches each image to size × size and packs them into one RGB8 buffer (n × size × size × 3 bytes). */
export async function packImages(images: readonly RgbImage[], size: number): Promise<Uint8Array> {
  if (!Number.isInteger(size) || size < 1) throw new ImageShapeError(`Image size must be a positive integer, got ${size}.`);
  const stride = size * size * 3;
  const packed = new Uint8Array(images.length * stride);
  for (const [n, image] of images.entries()) {
    const resized = await resizeImage(image, size, size);
    if (resized.data.length !== stride) throw new ImageShapeError(`Image ${n} is grey, RGB expected.`);
    packed.set(resized.data, n * stride);
  }
  return packed;
}

/** size × size RGB8 images starting at byte `offsets` in `bytes`, as float32 values in [-1, 1] (NHWC). */
export function packedToValues(bytes: Uint8Array, offsets: readonly number[], size: number): Float32Array {
  const stride = size * size * 3;
  const values = new Float32Array(offsets.length * stride);
  offsets.forEach((offset, n) => {
    const base = n * stride;
    for (let i = 0; i < stride; i++) values[base + i] = TO_UNIT[bytes[offset + i]!]!;
  });
  return values;
}

/** size × size RGB8 images starting at byte `offsets` in `bytes`, as one float32 tensor in [-1, 1]. */
export function packedToTensor(bytes: Uint8Array, offsets: readonly number[], size: number): tf.Tensor4D {
  return tf.tensor4d(packedToValues(bytes, offsets, size), [offsets.length, size, size, 3], 'float32');
}
