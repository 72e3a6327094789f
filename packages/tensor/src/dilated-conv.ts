import type { GradSaveFunc, Tensor, Tensor4D } from '@tensorflow/tfjs';
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

/** The 'same' (or 'valid') padding of one axis of a stride-1 conv with a dilated filter, before and after. */
function axisPadding(filterSize: number, rate: number, padding: DilatedPadding): [number, number] {
  const total = padding === 'same' ? (filterSize - 1) * rate : 0;
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The filter [fh, fw, in, out] rotated 180° with in and out swapped: [fh, fw, out, in], the input gradient's filter. */
function rotatedFilter(filter: Tensor4D): Tensor4D {
  return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
}

/**
 * A stride-1 dilated ("atrous") 2-D convolution, NHWC, equal to
 * `tf.conv2d(x, filter, 1, padding, 'NHWC', dilation)` and differentiable: tfjs-core refuses the gradient of
 * a dilated conv2d, so this gives it one made of three undilated-or-strided convs that every backend runs
 * natively (XNNPACK on wasm): the forward conv with the dilation; dx, the conv of dy with the rotated filter and
 * the same dilation; dW, the conv of x (as [in, H, W, batch]) with dy (as a [H, W, batch, out] filter) at a
 * stride equal to the dilation.
 * @param x input [batch, height, width, inChannels]
 * @param filter [filterHeight, filterWidth, inChannels, outChannels]
 */
export function dilatedConv2d(x: Tensor4D, filter: Tensor4D, dilation: DilationRate, padding: DilatedPadding = 'same'): Tensor4D {
  const [rateH, rateW] = toPair(dilation, 'dilation');
  if (rateH === 1 && rateW === 1) return tf.conv2d(x, filter, 1, padding);
  const [, height, width] = x.shape;
  const [filterH, filterW] = filter.shape;
  if (padding === 'valid' && (height < (filterH - 1) * rateH + 1 || width < (filterW - 1) * rateW + 1)) {
    throw new UnsupportedOperationError('dilatedConv2d', `input ${height}×${width} is smaller than the dilated filter with 'valid' padding.`);
  }
  const [top, bottom] = axisPadding(filterH, rateH, padding);
  const [left, right] = axisPadding(filterW, rateW, padding);
  const pad = (t: number, b: number, l: number, r: number): [[0, 0], [number, number], [number, number], [0, 0]] => [[0, 0], [t, b], [l, r], [0, 0]];
  const convolve = tf.customGrad((...args) => {
    const [xs, fs, save] = args as [Tensor4D, Tensor4D, GradSaveFunc];
    save([xs, fs]);
    const value = tf.conv2d(xs, fs, 1, pad(top, bottom, left, right), 'NHWC', [rateH, rateW]);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): [Tensor4D, Tensor4D] => {
      const [xSaved, filterSaved] = saved as [Tensor4D, Tensor4D];
      // dx[j] = Σ_m dy[j − ((k − 1)·d − top) + m·d] · W[k − 1 − m]: the rotated filter, padding mirrored.
      const [spanH, spanW] = [(filterH - 1) * rateH, (filterW - 1) * rateW];
      const dyPad = pad(spanH - top, height - dy.shape[1] + top, spanW - left, width - dy.shape[2] + left);
      const dx = tf.conv2d(dy, rotatedFilter(filterSaved), 1, dyPad, 'NHWC', [rateH, rateW]);
      // dW[p, q] = Σ_b,i,j xPadded[b, i + p·d, j + q·d] · dy[b, i, j]: a conv over x's positions at stride d.
      const xByChannel = tf.transpose(xSaved, [3, 1, 2, 0]);
      const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
      const dW = tf.transpose(tf.conv2d(xByChannel, dyAsFilter, [rateH, rateW], pad(top, bottom, left, right)), [1, 2, 0, 3]);
      return [dx, dW];
    };
    return { value, gradFunc };
  });
  return convolve(x, filter);
}
