import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';

/** Length of the noise vector z that G0 takes besides the image (its input channels beyond RGB). */
export function noiseSizeOf(g0: tf.LayersModel): number {
  return (g0.inputs[0]!.shape[3] ?? 3) - 3;
}

function uniformValues(rows: number, size: number, randomFor: (row: number) => SeededRandom): Float32Array {
  const values = new Float32Array(rows * size);
  for (let row = 0; row < rows; row++) {
    const random = randomFor(row);
    for (let i = 0; i < size; i++) values[row * size + i] = random.uniform(-1, 1);
  }
  return values;
}

function uniformRows(rows: number, size: number, randomFor: (row: number) => SeededRandom): tf.Tensor2D {
  return tf.tensor2d(uniformValues(rows, size, randomFor), [rows, size]);
}

/** z ~ U(-1, 1) for each image of training step `step`: fresh draws every step, the same ones on a rerun. */
export function trainingNoise(seed: number, step: number, count: number, size: number): tf.Tensor2D | undefined {
  if (size === 0) return undefined;
  const random = SeededRandom.fromSeeds(seed, step, 0x6e6f6973);
  return uniformRows(count, size, () => random);
}

/**
 * z ~ U(-1, 1) for each image at inference, drawn from a hash of the image's pixels: one image always
 * translates the same way (a redelivered batch gives the same output) while different images get
 * independent draws, as in training. `draw` k > 0 gives each image its k-th other look, as reproducible.
 */
export function imageNoise(images: tf.Tensor4D, size: number, draw = 0): tf.Tensor2D | undefined {
  if (size === 0) return undefined;
  return tf.tensor2d(imageNoiseValues(images.dataSync<'float32'>(), images.shape[0], size, draw), [images.shape[0], size]);
}

/** imageNoise on `count` images stored NHWC in `pixels`: `count × size` values, row-major. */
export function imageNoiseValues(pixels: Float32Array, count: number, size: number, draw = 0): Float32Array {
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length);
  const perImage = pixels.length / count;
  return uniformValues(count, size, (row) => {
    let hash = 0x811c9dc5;
    for (let i = row * perImage; i < (row + 1) * perImage; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193);
    // Draw 0 keeps the seeds of the models translated before draws existed.
    return draw === 0 ? SeededRandom.fromSeeds(hash, size) : SeededRandom.fromSeeds(hash, size, draw);
  });
}

/** G0's input: the image with z tiled over its pixels as extra channels (BicycleGAN's input injection). */
export function generatorInput(images: tf.Tensor4D, noise: tf.Tensor2D | undefined): tf.Tensor4D {
  if (!noise) return images;
  return tf.tidy(() => {
    const [count, h, w] = images.shape;
    const tiled = tf.tile(tf.reshape<tf.Rank.R4>(noise, [count, 1, 1, noise.shape[1]]), [1, h, w, 1]);
    return tf.concat([images, tiled], 3);
  });
}
