import { tf } from '@sim2real/tensor';
import type { SeededRandom } from '@sim2real/random';

/**
 * History of generated images for the discriminator (Shrivastava et al. 2017; the paper keeps 50).
 *
 * Shrivastava et al. give D a batch that is half images from the current generator and half from the
 * history, and replace the used history entries with new ones. We use the per-image form of that rule
 * (as CycleGAN's ImagePool does), which also works at batch size 1: until the pool is full every new image
 * goes in and is shown to D; afterwards each new image is, with probability 1/2, shown to D as is, and
 * otherwise swapped with a random stored image which D sees instead. In expectation D sees half new, half
 * history. Images live on the JS heap (Float32Array), so the pool holds no tensors and can be checkpointed.
 */
export class HistoryPool {
  private readonly images: Float32Array[] = [];

  constructor(
    readonly capacity: number,
    private readonly random: SeededRandom,
  ) {}

  get size(): number {
    return this.images.length;
  }

  /** Returns the batch D should see for the freshly generated `batch` (a new tensor; `batch` is untouched). */
  query(batch: tf.Tensor4D): tf.Tensor4D {
    if (this.capacity === 0) return tf.clone(batch);
    const [n, h, w, c] = batch.shape;
    const perImage = h * w * c;
    const data = batch.dataSync();
    const out = new Float32Array(n * perImage);
    for (let i = 0; i < n; i++) {
      const fresh = data.slice(i * perImage, (i + 1) * perImage) as Float32Array;
      let shown = fresh;
      if (this.images.length < this.capacity) {
        this.images.push(fresh);
      } else if (this.random.next() < 0.5) {
        const j = this.random.int(this.capacity);
        shown = this.images[j]!;
        this.images[j] = fresh;
      }
      out.set(shown, i * perImage);
    }
    return tf.tensor4d(out, [n, h, w, c]);
  }

  /** All stored images back to back (for checkpoints). */
  serialise(): Float32Array {
    const perImage = this.images[0]?.length ?? 0;
    const out = new Float32Array(this.images.length * perImage);
    this.images.forEach((img, i) => out.set(img, i * perImage));
    return out;
  }

  restore(data: Float32Array, perImage: number): void {
    this.images.length = 0;
    for (let off = 0; off + perImage <= data.length && this.images.length < this.capacity; off += perImage) {
      this.images.push(data.slice(off, off + perImage));
    }
  }
}
