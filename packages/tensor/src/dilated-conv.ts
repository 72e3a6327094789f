import type { Tensor4D } from '@tensorflow/tfjs';
import { tf } from './tfjs.js';
import { UnsupportedOperationError } from './errors.js';

/** Padding of `dilatedConv2d`, with the meaning of `tf.conv2d`. */
export type DilatedPadding = 'same' | 'valid';

/** Dilation rate: one value for both axes or [height, width]. */
export type DilationRate = number | [number, number];

/** Normalises a dilation rate or kernel size to [height, width] positive integers. */
export function toPair(value: number | readonly number[], what: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : [...value];
  const [h, w] = pair;
  if (pair.length !== 2 || h === undefined || w === undefined || ![h, w].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new UnsupportedOperationError('dilatedConv2d', `${what} must be a positive integer or two of them (got ${JSON.stringify(value)}).`);
  }
  return [h, w];
}

/**
 * Paddings and crops for one axis, as TensorFlow's `required_space_to_batch_paddings`: the 'same'
 * padding of the dilated filter, then extra padding at the end so the size divides by the rate.
 */
function axisPlan(size: number, filterSize: number, rate: number, padding: DilatedPadding): { pad: [number, number]; crop: [number, number] } {
  const total = padding === 'same' ? (filterSize - 1) * rate : 0;
  const start = Math.floor(total / 2);
  const end = total - start;
  const extra = (rate - ((size + total) % rate)) % rate;
  return { pad: [start, end + extra], crop: [0, extra] };
}

/**
 * A stride-1 dilated ("atrous") 2-D convolution, NHWC, equal to
 * `tf.conv2d(x, filter, 1, padding, 'NHWC', dilation)` but differentiable: tfjs-core refuses the
 * gradient of dilated conv2d, so it runs as spaceToBatchND → conv2d (undilated, 'valid') →
 * batchToSpaceND, as TensorFlow does, and every step has a gradient.
 * @param x input [batch, height, width, inChannels]
 * @param filter [filterHeight, filterWidth, inChannels, outChannels]
 */
export function dilatedConv2d(x: Tensor4D, filter: Tensor4D, dilation: DilationRate, padding: DilatedPadding = 'same'): Tensor4D {
  const [rateH, rateW] = toPair(dilation, 'dilation');
  if (rateH === 1 && rateW === 1) return tf.conv2d(x, filter, 1, padding);
  const [, height, width] = x.shape;
  const [filterH, filterW] = filter.shape;
  const h = axisPlan(height, filterH, rateH, padding);
  const w = axisPlan(width, filterW, rateW, padding);
  if (padding === 'valid' && (height < (filterH - 1) * rateH + 1 || width < (filterW - 1) * rateW + 1)) {
    throw new UnsupportedOperationError('dilatedConv2d', `input ${height}×${width} is smaller than the dilated filter with 'valid' padding.`);
  }
  return tf.tidy(() => {
    const batched = tf.spaceToBatchND(x, [rateH, rateW], [h.pad, w.pad]);
    const convolved = tf.conv2d(batched, filter, 1, 'valid');
    return tf.batchToSpaceND(convolved, [rateH, rateW], [h.crop, w.crop]);
  });
}
