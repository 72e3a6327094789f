import { tf } from '@sim2real/tensor';

/** G(x) = A ⊙ G0(x) + (1 − A) ⊙ x, the one-channel mask broadcast over the colour channels. */
export function composite(mask: tf.Tensor4D, initial: tf.Tensor4D, input: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(mask, initial), tf.mul(tf.sub(1, mask), input)));
}
