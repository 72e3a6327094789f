import { ImageShapeError } from './errors.js';
import { asUint8Array, type AnyImage } from './image.js';
import { rawInput } from './sharp.js';

/** Encodes an RGB or grey image as PNG (grey stays one channel). */
export async function encodePng(image: AnyImage): Promise<Uint8Array> {
  return asUint8Array(await rawInput(image).png().toBuffer());
}

/**
 * Encodes an RGB or grey image as baseline JPEG.
 * @param quality 1–100
 * @default quality 90
 */
export async function encodeJpeg(image: AnyImage, quality = 90): Promise<Uint8Array> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new ImageShapeError(`JPEG quality must be an integer in 1..100, got ${quality}.`);
  }
  return asUint8Array(await rawInput(image).jpeg({ quality }).toBuffer());
}
