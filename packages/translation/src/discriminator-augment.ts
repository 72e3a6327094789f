import type { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';

/** Differentiable augmentations of what the discriminator sees (DiffAugment's policies). */
export const DISCRIMINATOR_AUGMENTS = ['color', 'translation', 'cutout'] as const;
export type DiscriminatorAugment = (typeof DISCRIMINATOR_AUGMENTS)[number];

/** Largest shift of 'translation' as a fraction of the image side, and the side of the 'cutout' square. */
const TRANSLATION_FRACTION = 1 / 8;
const CUTOUT_FRACTION = 1 / 2;

/** One value per image, shaped to broadcast over its pixels. */
function perImage(count: number, draw: () => number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: count }, draw), [count, 1, 1, 1]);
}

/** Random brightness (±0.5), saturation (×0..2) and contrast (×0.5..1.5) per image, on [-1, 1] pixels. */
function color(images: tf.Tensor4D, random: SeededRandom): tf.Tensor4D {
  const n = images.shape[0];
  const brightened = tf.add(images, perImage(n, () => random.uniform(-0.5, 0.5)));
  const grey = tf.mean(brightened, 3, true);
  const saturated = tf.add(tf.mul(tf.sub(brightened, grey), perImage(n, () => random.uniform(0, 2))), grey);
  const level = tf.mean(saturated, [1, 2, 3], true);
  return tf.add(tf.mul(tf.sub(saturated, level), perImage(n, () => random.uniform(0.5, 1.5))), level);
}

/** Shifts each image by up to 1/8 of its side in x and y, filling with zeros (mid grey). */
function translation(images: tf.Tensor4D, random: SeededRandom): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const [maxY, maxX] = [Math.round(h * TRANSLATION_FRACTION), Math.round(w * TRANSLATION_FRACTION)];
  const padded = tf.pad(images, [[0, 0], [maxY, maxY], [maxX, maxX], [0, 0]]);
  const shifted = Array.from({ length: n }, (_, i) => {
    const [dy, dx] = [random.int(2 * maxY + 1), random.int(2 * maxX + 1)];
    return tf.slice(padded, [i, dy, dx, 0], [1, h, w, -1]);
  });
  return tf.concat(shifted, 0);
}

/** Zeroes a square of half the image side at a random place in each image (it may reach over the edge). */
function cutout(images: tf.Tensor4D, random: SeededRandom): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const [sideY, sideX] = [Math.round(h * CUTOUT_FRACTION), Math.round(w * CUTOUT_FRACTION)];
  const keep = new Float32Array(n * h * w).fill(1);
  for (let i = 0; i < n; i++) {
    const top = random.int(h + 1 - (sideY % 2)) - Math.floor(sideY / 2);
    const left = random.int(w + 1 - (sideX % 2)) - Math.floor(sideX / 2);
    for (let y = Math.max(0, top); y < Math.min(h, top + sideY); y++) {
      keep.fill(0, (i * h + y) * w + Math.max(0, left), (i * h + y) * w + Math.min(w, left + sideX));
    }
  }
  return tf.mul(images, tf.tensor4d(keep, [n, h, w, 1]));
}

const APPLY: Record<DiscriminatorAugment, (images: tf.Tensor4D, random: SeededRandom) => tf.Tensor4D> = { color, translation, cutout };

/**
 * Differentiable augmentation (Zhao et al. 2020, "DiffAugment"; not in the paper): every image D sees,
 * real or generated, and G's adversarial loss through D, goes through the same random transformations with
 * fresh parameters per image. D can then no longer memorise the few hundred target images of a short run
 * and reject everything else with certainty, while G still has to match the target distribution itself
 * (the transformations are applied on both sides, so they do not leak into G's output). Returns `images`
 * itself when `kinds` is empty.
 */
export function augmentForDiscriminator(images: tf.Tensor4D, kinds: readonly DiscriminatorAugment[], random: SeededRandom): tf.Tensor4D {
  return tf.tidy(() => kinds.reduce((out, kind) => APPLY[kind](out, random), images));
}
