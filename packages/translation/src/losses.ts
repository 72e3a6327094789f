import { tf } from '@sim2real/tensor';
import type { AdversarialLossKind, SelfRegularisationPolarity } from './config.js';

/**
 * Generator adversarial loss on D's logits for G(x). 'paper': the non-saturating form −log D(G(x)) =
 * softplus(−logit); 'lsgan': (D(G(x)) − 1)².
 */
export function generatorAdversarialLoss(kind: AdversarialLossKind, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => (kind === 'paper' ? tf.mean(tf.softplus(tf.neg(fakeLogits))) : tf.mean(tf.square(tf.sub(fakeLogits, 1)))));
}

/**
 * Discriminator loss. 'paper': D maximises log D(y) + log(1 − D(G(x))), i.e. minimises
 * softplus(−real) + softplus(fake) (BCE on logits); 'lsgan': (D(y) − 1)² + D(G(x))². Halved, so D learns
 * at half the rate of G (as in CycleGAN).
 */
export function discriminatorLoss(kind: AdversarialLossKind, realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const real = kind === 'paper' ? tf.softplus(tf.neg(realLogits)) : tf.square(tf.sub(realLogits, 1));
    const fake = kind === 'paper' ? tf.softplus(fakeLogits) : tf.square(fakeLogits);
    return tf.mul(0.5, tf.add(tf.mean(real), tf.mean(fake)));
  });
}

/**
 * The diversity ratio of a batch whose second half repeats the first half's images under other noise:
 * mean |G(x, z1) − G(x, z2)| / mean |z1 − z2|, capped at `cap` (DSGAN's clipped form; the generator maximises
 * it). `noise` is G0's noise for the batch, one row per image.
 */
export function diversityRatio(translated: tf.Tensor4D, noise: tf.Tensor2D, cap: number): tf.Scalar {
  return tf.tidy(() => {
    const [out1, out2] = tf.split(translated, 2, 0);
    const [z1, z2] = tf.split(noise, 2, 0);
    const ratio = tf.div(tf.mean(tf.abs(tf.sub(out1!, out2!))), tf.add(tf.mean(tf.abs(tf.sub(z1!, z2!))), 1e-8));
    return tf.minimum(ratio, cap);
  });
}

/** The references a translation is compared with: x, and with polarity 'either' also −x. */
function references(x: tf.Tensor4D, polarity: SelfRegularisationPolarity): tf.Tensor4D[] {
  return polarity === 'either' ? [x, tf.neg(x)] : [x];
}

/**
 * How many times `translated` repeats the batch of its sources `x` (1 when they match); a batch that
 * translates each image under several noise draws needs the references' features only once per image.
 */
function repeatsOf(x: tf.Tensor4D, translated: tf.Tensor4D): number {
  const repeats = translated.shape[0] / x.shape[0];
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new RangeError(`${translated.shape[0]} translations cannot repeat a batch of ${x.shape[0]} source images.`);
  }
  return repeats;
}

/** `batch` repeated `times` times along the batch axis ([a, b] twice: [a, b, a, b]). */
const repeatBatch = <T extends tf.Tensor>(batch: T, times: number): T =>
  times === 1 ? batch : tf.tile(batch, [times, ...batch.shape.slice(1).map(() => 1)]);

/** The batch mean of per-image distances [n], each the smallest over the references. */
function meanOfNearest(distances: tf.Tensor1D[]): tf.Scalar {
  return tf.mean(distances.reduce((nearest, d) => tf.minimum(nearest, d)));
}

/**
 * Perceptual self-regularisation (paper eq. 4): for each layer l, the squared L2 distance over channels of
 * F_l(x) − F_l(G(x)) at every location, averaged over height, width (and the batch), times w_l; summed.
 * `network` returns the features of the requested layers in the order of `weights`. With polarity 'either',
 * each image's distance is the smaller of those to x and to −x. `translated` may repeat the batch `x`
 * (see `sourceBatch`): [G(x), G(x)] under two noise draws against x once.
 */
export function perceptualLoss(
  network: tf.LayersModel,
  weights: readonly number[],
  x: tf.Tensor4D,
  translated: tf.Tensor4D,
  polarity: SelfRegularisationPolarity = 'same',
): tf.Scalar {
  return tf.tidy(() => {
    const featuresOf = (images: tf.Tensor4D): tf.Tensor4D[] => {
      const raw = network.apply(images, { training: false });
      return (Array.isArray(raw) ? raw : [raw]) as tf.Tensor4D[];
    };
    const refs = references(x, polarity);
    const repeats = repeatsOf(x, translated);
    // Apart from G(x)'s, so that the backward pass runs through the network for the translations alone.
    const refFeatures = featuresOf(tf.concat(refs, 0)).map((f) => tf.split<tf.Tensor4D>(f, refs.length, 0).map((r) => repeatBatch(r, repeats)));
    const translatedFeatures = featuresOf(translated);
    // Per image: the squared distance over channels, averaged over locations.
    const layerDistance = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor1D => tf.mean(tf.sum(tf.square(tf.sub(a, b)), -1), [1, 2]);
    const distances = refs.map((_, r) =>
      tf.addN(translatedFeatures.map((fg, l) => tf.mul(weights[l] ?? 0, layerDistance(refFeatures[l]![r]!, fg)))),
    );
    return meanOfNearest(distances as tf.Tensor1D[]);
  });
}

/**
 * Scale of the degraded pixel loss (no VGG weights) so that λ means about what it means with the perceptual
 * loss: the ratio of the two losses on the same perturbations (BENCHMARKS.md, "Calibrations").
 */
export const PIXEL_L1_SCALE = 2e5;

/**
 * Degraded self-regularisation without VGG weights: mean absolute pixel difference, times PIXEL_L1_SCALE.
 * `translated` may repeat the batch `x`, as in `perceptualLoss`.
 */
export function pixelL1Loss(x: tf.Tensor4D, translated: tf.Tensor4D, polarity: SelfRegularisationPolarity = 'same'): tf.Scalar {
  return tf.tidy(() => {
    const repeats = repeatsOf(x, translated);
    const distances = references(x, polarity).map((ref) => tf.mean(tf.abs(tf.sub(repeatBatch(ref, repeats), translated)), [1, 2, 3]));
    return tf.mul(PIXEL_L1_SCALE, meanOfNearest(distances as tf.Tensor1D[]));
  });
}
