import { ImageShapeError } from './errors.js';

/** An 8-bit RGB image, row-major, 3 bytes per pixel, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  /** `width × height × 3` bytes. */
  data: Uint8Array;
}

/** An 8-bit single-channel image (attention masks), row-major, 1 byte per pixel. */
export interface GreyImage {
  width: number;
  height: number;
  /** `width × height` bytes. */
  data: Uint8Array;
}

export type AnyImage = RgbImage | GreyImage;

/**
 * Channels of an image, told apart by the length of its data (the two types are structurally the same).
 * Throws ImageShapeError when the length fits neither or the dimensions are not positive integers.
 */
export function channelsOf(image: AnyImage): 1 | 3 {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageShapeError(`Image dimensions must be positive integers, got ${width}×${height}.`);
  }
  const pixels = width * height;
  if (data.length === pixels * 3) return 3;
  if (data.length === pixels) return 1;
  throw new ImageShapeError(
    `Image data of ${data.length} bytes fits neither RGB nor grey at ${width}×${height} (${pixels * 3} or ${pixels} bytes).`,
  );
}

/** Plain Uint8Array view of a Buffer (so callers and deep-equality checks see one type). */
export function asUint8Array(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}
