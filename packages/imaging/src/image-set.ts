import type { tf } from '@sim2real/tensor';
import { ImageShapeError } from './errors.js';
import type { RgbImage } from './image.js';
import { packImages, packedToTensor } from './pack.js';

/** A fixed set of RGB images of one square size, kept as bytes and turned into tensors one batch at a time. */
export interface ImageSet {
  readonly count: number;
  /** Width and height of every image. */
  readonly size: number;
  /** The images at `indices` as a float32 `[indices.length, size, size, 3]` tensor in [-1, 1]; caller disposes. */
  batch(indices: readonly number[]): tf.Tensor4D;
  /** One image as RGB8 (a view into the set; do not modify). */
  image(index: number): RgbImage;
}

/** ImageSet backed by one Uint8Array of count × size × size × 3 bytes. */
export class PackedImageSet implements ImageSet {
  readonly count: number;
  readonly size: number;
  readonly #data: Uint8Array;
  readonly #stride: number;

  constructor(data: Uint8Array, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new ImageShapeError(`ImageSet size must be a positive integer, got ${size}.`);
    this.#stride = size * size * 3;
    if (data.length % this.#stride !== 0) {
      throw new ImageShapeError(`ImageSet data of ${data.length} bytes is not a whole number of ${size}×${size} RGB images.`);
    }
    this.#data = data;
    this.size = size;
    this.count = data.length / this.#stride;
  }

  #offset(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new ImageShapeError(`Image index ${index} is outside 0..${this.count - 1}.`);
    }
    return index * this.#stride;
  }

  batch(indices: readonly number[]): tf.Tensor4D {
    if (indices.length === 0) throw new ImageShapeError('A batch needs at least one index.');
    return packedToTensor(this.#data, indices.map((i) => this.#offset(i)), this.size);
  }

  image(index: number): RgbImage {
    const offset = this.#offset(index);
    return { width: this.size, height: this.size, data: this.#data.subarray(offset, offset + this.#stride) };
  }
}

/** Packs images (stretched to size × size) into an ImageSet. */
export async function imageSetFromImages(images: readonly RgbImage[], size: number): Promise<ImageSet> {
  return new PackedImageSet(await packImages(images, size), size);
}
