import { tf } from '@sim2real/tensor';
import type { AdversarialLossKind } from './config.js';

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

/**
 * Perceptual self-regularisation (paper eq. 4): for each layer l, the squared L2 distance over channels of
 * F_l(x) − F_l(G(x)) at every location, averaged over height, width (and the batch), times w_l; summed.
 * `network` returns the features of the requested layers in the order of `weights`.
 */
export function perceptualLoss(network: tf.LayersModel, weights: readonly number[], x: tf.Tensor4D, translated: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const n = x.shape[0];
    const raw = network.apply(tf.concat([x, translated], 0), { training: false });
    const features = Array.isArray(raw) ? raw : [raw];
    const terms = features.map((f, l) => {
      const [fx, fg] = tf.split(f as tf.Tensor4D, [n, n], 0);
      return tf.mul(weights[l] ?? 0, tf.mean(tf.sum(tf.square(tf.sub(fx!, fg!)), -1)));
    });
    return tf.addN(terms) as tf.Scalar;
  });
}

/**
 * Scale of the degraded pixel loss so that λ means the same as with the perceptual loss: measured on
 * 32 px photos, eq. 4 (paper layers and weights) is 1.0e4 / 3.8e4 / 3.0e5 / 3.1e4 for Gaussian noise of
 * σ 0.05 / 0.1 / 0.3 and a +0.2 brightness shift, where the mean absolute difference in [-1, 1] units is
 * 0.040 / 0.078 / 0.22 / 0.20; the ratio is 1.5e5..1.4e6, so 2e5 keeps λ within the same range.
 */
export const PIXEL_L1_SCALE = 2e5;

/** Degraded self-regularisation without VGG weights: mean absolute pixel difference, times PIXEL_L1_SCALE. */
export function pixelL1Loss(x: tf.Tensor4D, translated: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mul(PIXEL_L1_SCALE, tf.mean(tf.abs(tf.sub(x, translated)))));
}
