import { resizeImage, type RgbImage } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import { BadSampleError } from './errors.js';

/** One training or test example: an image and the coefficient vector it shows. */
export interface LabelledImage {
  readonly id: string;
  readonly image: RgbImage;
  readonly label: ArrayLike<number>;
}

/**
 * Images (resized to size × size, kept as bytes) with their first `outputs` label values. Bounded: past `capacity`
 * the oldest samples are overwritten, which makes it the replay buffer of online training as well as a test set.
 */
export class SampleStore {
  readonly size: number;
  readonly outputs: number;
  readonly capacity: number;
  readonly #pixels: Uint8Array;
  readonly #labels: Float32Array;
  #count = 0;
  #next = 0;

  constructor(options: { size: number; outputs: number; capacity: number }) {
    this.size = options.size;
    this.outputs = options.outputs;
    this.capacity = options.capacity;
    this.#pixels = new Uint8Array(options.capacity * options.size * options.size * 3);
    this.#labels = new Float32Array(options.capacity * options.outputs);
  }

  get count(): number {
    return this.#count;
  }

  /**
   * Adds samples (resizing images that are not size × size).
   * @throws BadSampleError for a label shorter than `outputs` or with a non-finite value (nothing is added then)
   */
  async add(samples: readonly LabelledImage[]): Promise<void> {
    for (const sample of samples) this.#checkLabel(sample);
    const stride = this.size * this.size * 3;
    for (const sample of samples) {
      const image =
        sample.image.width === this.size && sample.image.height === this.size
          ? sample.image
          : await resizeImage(sample.image, this.size, this.size);
      this.#pixels.set(image.data, this.#next * stride);
      for (let k = 0; k < this.outputs; k++) this.#labels[this.#next * this.outputs + k] = sample.label[k]!;
      this.#next = (this.#next + 1) % this.capacity;
      this.#count = Math.min(this.capacity, this.#count + 1);
    }
  }

  #checkLabel(sample: LabelledImage): void {
    if (sample.label.length < this.outputs) {
      throw new BadSampleError(
        `Sample "${sample.id}" has ${sample.label.length} label values; the regressor needs at least ${this.outputs}.`,
        sample.id,
      );
    }
    for (let k = 0; k < this.outputs; k++) {
      if (!Number.isFinite(sample.label[k]!)) throw new BadSampleError(`Sample "${sample.id}" has a non-finite label value at ${k}.`, sample.id);
    }
  }

  /**
   * Images in [-1, 1] (`[n, size, size, 3]`) and labels (`[n, outputs]`) at `indices`; the caller disposes.
   * `shifts` (dx, dy per sample, in pixels, edges repeated) move the images for augmentation.
   */
  tensors(indices: readonly number[], shifts?: readonly (readonly [number, number])[]): { x: tf.Tensor4D; y: tf.Tensor2D } {
    const size = this.size;
    const stride = size * size * 3;
    const pixels = new Float32Array(indices.length * stride);
    const labels = new Float32Array(indices.length * this.outputs);
    indices.forEach((index, row) => {
      const src = this.#pixels.subarray(index * stride, (index + 1) * stride);
      const base = row * stride;
      const [dx, dy] = shifts?.[row] ?? [0, 0];
      if (dx === 0 && dy === 0) {
        for (let i = 0; i < stride; i++) pixels[base + i] = src[i]! / 127.5 - 1;
      } else {
        for (let y = 0; y < size; y++) {
          const sy = Math.min(size - 1, Math.max(0, y - dy));
          for (let x = 0; x < size; x++) {
            const sx = Math.min(size - 1, Math.max(0, x - dx));
            const o = base + 3 * (y * size + x);
            const s = 3 * (sy * size + sx);
            pixels[o] = src[s]! / 127.5 - 1;
            pixels[o + 1] = src[s + 1]! / 127.5 - 1;
            pixels[o + 2] = src[s + 2]! / 127.5 - 1;
          }
        }
      }
      labels.set(this.#labels.subarray(index * this.outputs, (index + 1) * this.outputs), row * this.outputs);
    });
    return {
      x: tf.tensor4d(pixels, [indices.length, this.size, this.size, 3]),
      y: tf.tensor2d(labels, [indices.length, this.outputs]),
    };
  }
}
