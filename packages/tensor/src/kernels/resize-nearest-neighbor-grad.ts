import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '../errors.js';

const KERNEL = 'ResizeNearestNeighborGrad';

type KernelArgs = { inputs: { images?: TensorInfo; dy?: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap };

/**
 * For every output row (or column) of the forward resize, the input row it copies: the forward kernel's
 * own arithmetic (align corners, half-pixel centres), so that the gradient is its exact adjoint.
 */
export function nearestSourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  return Int32Array.from({ length: outSize }, (_, i) => {
    const fraction = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  });
}

/** dx of a nearest-neighbour resize (NHWC): every dy pixel added onto the input pixel it was copied from. */
export function resizeNearestNeighborGrad(args: KernelArgs): TensorInfo {
  const { images, dy } = args.inputs;
  if (images === undefined || dy === undefined) throw new UnsupportedOperationError(KERNEL, 'inputs images and dy are required.');
  if (dy.dtype !== 'float32') throw new UnsupportedOperationError(KERNEL, `dy must be float32 (got ${dy.dtype}).`);
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeNearestNeighborGradAttrs;
  const [batch, inHeight, inWidth, depth] = images.shape as [number, number, number, number];
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const sourceRows = nearestSourceIndices(inHeight, outHeight, alignCorners, halfPixelCenters);
  const sourceCols = nearestSourceIndices(inWidth, outWidth, alignCorners, halfPixelCenters);
  const dyValues = args.backend.readSync(dy.dataId) as Float32Array;
  const dx = new Float32Array(batch * inHeight * inWidth * depth);
  let from = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      const rowBase = (b * inHeight + sourceRows[r]!) * inWidth;
      for (let c = 0; c < outWidth; c++) {
        const to = (rowBase + sourceCols[c]!) * depth;
        for (let d = 0; d < depth; d++) dx[to + d]! += dyValues[from++]!;
      }
    }
  }
  return { dataId: args.backend.write(dx, images.shape, 'float32'), shape: images.shape, dtype: 'float32' };
}

/**
 * Replaces tfjs-backend-cpu 4.22's `ResizeNearestNeighborGrad`, which offsets dy by the *input's* batch
 * stride: right for the first image of a batch only, so on the cpu backend every layer before an
 * `upSampling2d` learned from one image per batch plus noise. (The wasm kernel is right without
 * half-pixel centres, which it ignores; `upSampling2d` does not use them.)
 */
export function resizeNearestNeighborGradCpuConfig(): KernelConfig {
  return { kernelName: KERNEL, backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc };
}
