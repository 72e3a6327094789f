import { ImageShapeError } from './errors.js';
import { asUint8Array, channelsOf, type AnyImage } from './image.js';
import { rawInput } from './sharp.js';

/**
 * Resizes to exactly `width × height`, stretching (aspect ratio not kept); keeps the channel count.
 * Returns the same object when the size already matches.
 */
export async function resizeImage<T extends AnyImage>(image: T, width: number, height: number): Promise<T> {
  const channels = channelsOf(image);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageShapeError(`Resize target must be positive integers, got ${width}×${height}.`);
  }
  if (image.width === width && image.height === height) return image;
  const { data, info } = await rawInput(image)
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) {
    throw new ImageShapeError(`Resize changed the channel count from ${channels} to ${info.channels}.`);
  }
  return { ...image, width, height, data: asUint8Array(data) };
}
