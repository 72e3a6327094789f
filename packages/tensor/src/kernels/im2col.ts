/** Geometry of one NHWC convolution, as far as the filter gradient needs it. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
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
