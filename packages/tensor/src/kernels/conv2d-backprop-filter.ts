import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '../errors.js';
import { callWasmKernel, disposeAll } from './wasm-kernel-call.js';
import { convGeometry, im2colTransposed, type ConvGeometry } from './im2col.js';

const KERNEL = 'Conv2DBackpropFilter';

/** Upper bound of one im2col block on the wasm heap (floats, 64 MiB); larger problems run in row chunks. */
const DEFAULT_MAX_PATCH_FLOATS = 1 << 24;

type WasmKernelArgs = { inputs: { x?: TensorInfo; dy?: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap };

function assertSupported(attrs: Conv2DBackpropFilterAttrs & { dilations?: number | number[] }, x: TensorInfo, dy: TensorInfo): void {
  if (attrs.dataFormat === 'NCHW') {
    throw new UnsupportedOperationError(KERNEL, "only dataFormat 'NHWC' is supported on the wasm backend.");
  }
  const dilations = attrs.dilations ?? 1;
  if ((Array.isArray(dilations) ? dilations : [dilations]).some((d) => d !== 1)) {
    throw new UnsupportedOperationError(KERNEL, `dilations must be 1 (got ${String(dilations)}); use dilatedConv2d for dilated convolutions.`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new UnsupportedOperationError(KERNEL, `x and dy must be float32 (got ${x.dtype} and ${dy.dtype}).`);
  }
}

/** The inputs, attributes and geometry of one call, checked. */
function checkedCall(args: WasmKernelArgs): { x: TensorInfo; dy: TensorInfo; attrs: Conv2DBackpropFilterAttrs; g: ConvGeometry } {
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined) throw new UnsupportedOperationError(KERNEL, 'inputs x and dy are required.');
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs & { dilations?: number | number[] };
  assertSupported(attrs, x, dy);
  return { x, dy, attrs, g: convGeometry(x.shape, attrs.filterShape, attrs) };
}

/**
 * dW as one XNNPACK conv, as TensorFlow computes it: the input's channels become the batch and its batch
 * the channels (x → [in, H, W, batch]), dy becomes the filter (dy → [outH, outW, batch, out]) dilated by the
 * stride, and the conv's [in, fh, fw, out] output, transposed, is dW. Rows and columns of x that no window
 * reads ('valid' remainders) are cropped first.
 */
export function conv2dBackpropFilterWasm(args: WasmKernelArgs): TensorInfo {
  const { x, dy, attrs, g } = checkedCall(args);
  const backend = args.backend;
  const padBottom = (g.outHeight - 1) * g.strideHeight + g.filterHeight - g.inHeight - g.padTop;
  const padRight = (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.inWidth - g.padLeft;
  const cropped = padBottom < 0 || padRight < 0;
  const xUsed = cropped
    ? callWasmKernel('Slice', backend, { x }, { begin: [0, 0, 0, 0], size: [g.batchSize, g.inHeight + Math.min(0, padBottom), g.inWidth + Math.min(0, padRight), g.inChannels] })
    : x;
  const xT = callWasmKernel('Transpose', backend, { x: xUsed }, { perm: [3, 1, 2, 0] });
  const dyT = callWasmKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const pad = [[0, 0], [g.padTop, Math.max(0, padBottom)], [g.padLeft, Math.max(0, padRight)], [0, 0]];
  const dilations = [g.strideHeight, g.strideWidth];
  const product = callWasmKernel('Conv2D', backend, { x: xT, filter: dyT }, { strides: 1, pad, dataFormat: 'NHWC', dilations });
  disposeAll(backend, cropped ? [xUsed, xT, dyT] : [xT, dyT]);
  const dw = callWasmKernel('Transpose', backend, { x: product }, { perm: [1, 2, 0, 3] });
  backend.disposeData(product.dataId);
  const reshaped = callWasmKernel('Reshape', backend, { x: dw }, { shape: attrs.filterShape });
  backend.disposeData(dw.dataId);
  return reshaped;
}

/**
 * dW = im2col(x)ᵀ · dy, with the transposed im2col built in JS straight on the wasm heap and the
 * product done by the wasm BatchMatMul (XNNPACK fully-connected): the kernel for batches under
 * `MIN_ONE_CONV_BATCH`, and the baseline that bench/conv2d-gradients.ts measures the one-conv kernel against.
 */
export function conv2dBackpropFilterIm2col(args: WasmKernelArgs, maxPatchFloats = DEFAULT_MAX_PATCH_FLOATS): TensorInfo {
  const { x, dy, attrs, g } = checkedCall(args);
  const backend = args.backend;
  const patchRows = g.filterHeight * g.filterWidth * g.inChannels;
  const outChannels = g.outChannels;
  const totalRows = g.batchSize * g.outHeight;
  const rowsPerChunk = Math.max(1, Math.floor(maxPatchFloats / (patchRows * g.outWidth)));

  const xT = callWasmKernel('Transpose', backend, { x }, { perm: [3, 0, 1, 2] });
  const dy2d = callWasmKernel('Reshape', backend, { x: dy }, { shape: [totalRows * g.outWidth, outChannels] });
  let sum: TensorInfo | undefined;
  try {
    for (let rowBegin = 0; rowBegin < totalRows; rowBegin += rowsPerChunk) {
      const rowEnd = Math.min(totalRows, rowBegin + rowsPerChunk);
      const cols = (rowEnd - rowBegin) * g.outWidth;
      const patches = backend.makeOutput([patchRows, cols], 'float32');
      // Heap views are taken after the allocation: growing the wasm memory detaches older views.
      im2colTransposed(
        backend.typedArrayFromHeap(xT) as Float32Array,
        backend.typedArrayFromHeap(patches) as Float32Array,
        g,
        rowBegin,
        rowEnd,
      );
      // A fresh copy of dy: XNNPACK caches its packed right-hand operand by tensor id and shape-at-creation.
      const dyChunk = callWasmKernel('Slice', backend, { x: dy2d }, { begin: [rowBegin * g.outWidth, 0], size: [cols, outChannels] });
      const partial = callWasmKernel('BatchMatMul', backend, { a: patches, b: dyChunk }, { transposeA: false, transposeB: false });
      disposeAll(backend, [patches, dyChunk]);
      if (sum === undefined) {
        sum = partial;
      } else {
        const next = callWasmKernel('Add', backend, { a: sum, b: partial });
        disposeAll(backend, [sum, partial]);
        sum = next;
      }
    }
  } finally {
    disposeAll(backend, [xT, dy2d]);
  }
  if (sum === undefined) throw new UnsupportedOperationError(KERNEL, 'the convolution has an empty output.');
  const dw = callWasmKernel('Reshape', backend, { x: sum }, { shape: attrs.filterShape });
  backend.disposeData(sum.dataId);
  return dw;
}

/**
 * Below this batch, the one-conv kernel's channels (the batch) are too few for XNNPACK's inner loop (one
 * pointer per batch-sized run) and im2col + matmul is faster (BENCHMARKS.md, "Threads and XNNPACK").
 */
const MIN_ONE_CONV_BATCH = 4;

/** The wasm `Conv2DBackpropFilter` kernel that tfjs-backend-wasm 4.22 lacks: one conv, or im2col for small batches. */
export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: WasmKernelArgs) =>
    (args.inputs.x?.shape[0] ?? 0) < MIN_ONE_CONV_BATCH ? conv2dBackpropFilterIm2col(args) : conv2dBackpropFilterWasm(args)) as unknown as KernelConfig['kernelFunc'],
};
