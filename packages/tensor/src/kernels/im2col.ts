import type { Conv2DBackpropInputAttrs } from '@tensorflow/tfjs';
import { tf } from '../tfjs.js';

type Conv2DPad = Conv2DBackpropInputAttrs['pad'];

/** Geometry of one NHWC convolution, as far as its gradients need it. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * The geometry of a dilation-1 NHWC convolution of `inputShape` by `filterShape` with tfjs's attributes,
 * by tfjs's own shape arithmetic (`computeConv2DInfo`).
 */
export function convGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  attrs: { strides: number | [number, number]; pad: Conv2DPad; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Writes the transposed im2col matrix of output rows [rowBegin, rowEnd) (a row = one (n, yOut) pair)
 * into `out`, laid out [filterHeight, filterWidth, inChannels] × [rows × outWidth], so that
 * `out · dy[rows]` is the filter gradient in the filter's own layout, with no transpose.
 * `xT` is the input transposed to [inChannels, batch, inHeight, inWidth]: each patch row is then a
 * contiguous (stride 1) or regularly strided run, copied without per-element index arithmetic.
 */
export function im2colTransposed(
  xT: Float32Array,
  out: Float32Array,
  g: ConvGeometry,
  rowBegin: number,
  rowEnd: number,
): void {
  const cols = (rowEnd - rowBegin) * g.outWidth;
  const planeSize = g.batchSize * g.inHeight * g.inWidth;
  out.fill(0);
  for (let fy = 0; fy < g.filterHeight; fy++) {
    for (let fx = 0; fx < g.filterWidth; fx++) {
      // Output columns whose input column (xo * stride + fx - padLeft) falls inside the image.
      const xFirst = fx - g.padLeft;
      const xoMin = Math.max(0, Math.ceil(-xFirst / g.strideWidth));
      const xoMax = Math.min(g.outWidth, Math.floor((g.inWidth - 1 - xFirst) / g.strideWidth) + 1);
      if (xoMax <= xoMin) continue;
      const runLength = xoMax - xoMin;
      for (let c = 0; c < g.inChannels; c++) {
        const outRow = ((fy * g.filterWidth + fx) * g.inChannels + c) * cols;
        const plane = c * planeSize;
        for (let r = rowBegin; r < rowEnd; r++) {
          const n = Math.floor(r / g.outHeight);
          const yo = r - n * g.outHeight;
          const y = yo * g.strideHeight + fy - g.padTop;
          if (y < 0 || y >= g.inHeight) continue;
          const src = plane + (n * g.inHeight + y) * g.inWidth + xoMin * g.strideWidth + xFirst;
          const dst = outRow + (r - rowBegin) * g.outWidth + xoMin;
          if (g.strideWidth === 1) {
            out.set(xT.subarray(src, src + runLength), dst);
          } else {
            for (let k = 0; k < runLength; k++) out[dst + k] = xT[src + k * g.strideWidth]!;
          }
        }
      }
    }
  }
}

/**
 * Adds the patch matrix of output rows [rowBegin, rowEnd) back onto the input grid (col2im, the adjoint
 * of im2col): `cols` is [(rowEnd - rowBegin) × outWidth] × [filterHeight, filterWidth, inChannels], row
 * major, and `dx` the NHWC input-shaped buffer the patches overlap in. Each patch entry's channel run is
 * contiguous in both buffers.
 */
export function col2imAdd(cols: Float32Array, dx: Float32Array, g: ConvGeometry, rowBegin: number, rowEnd: number): void {
  const channels = g.inChannels;
  const patchLength = g.filterHeight * g.filterWidth * channels;
  for (let r = rowBegin; r < rowEnd; r++) {
    const n = Math.floor(r / g.outHeight);
    const yo = r - n * g.outHeight;
    for (let fy = 0; fy < g.filterHeight; fy++) {
      const y = yo * g.strideHeight + fy - g.padTop;
      if (y < 0 || y >= g.inHeight) continue;
      const dxRow = (n * g.inHeight + y) * g.inWidth;
      for (let xo = 0; xo < g.outWidth; xo++) {
        const patch = ((r - rowBegin) * g.outWidth + xo) * patchLength + fy * g.filterWidth * channels;
        for (let fx = 0; fx < g.filterWidth; fx++) {
          const x = xo * g.strideWidth + fx - g.padLeft;
          if (x < 0 || x >= g.inWidth) continue;
          const dst = (dxRow + x) * channels;
          const src = patch + fx * channels;
          for (let c = 0; c < channels; c++) dx[dst + c]! += cols[src + c]!;
        }
      }
    }
  }
}
