import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '../errors.js';
import { callWasmKernel, disposeAll } from './wasm-kernel-call.js';
import { col2imAdd, convGeometry, type ConvGeometry } from './im2col.js';

const KERNEL = 'Conv2DBackpropInput';

/** Upper bound of one patch-matrix block on the wasm heap (floats, 64 MiB); larger problems run in row chunks. */
const DEFAULT_MAX_PATCH_FLOATS = 1 << 24;

type WasmKernelArgs = { inputs: { dy?: TensorInfo; filter?: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap };

/**
 * The filter [fh, fw, in, out] reversed along fh and fw: its fh·fw blocks of in·out values in reverse order,
 * as block copies (the wasm `Reverse` kernel takes 50 ms for a 3×3×256×256 filter, this well under 1 ms).
 */
function flipSpatially(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [filterHeight, filterWidth, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const taps = filterHeight * filterWidth;
  const block = inChannels * outChannels;
  const flipped = backend.makeOutput(filter.shape, 'float32');
  // Views are taken after makeOutput: growing the wasm memory detaches older ones.
  const from = backend.typedArrayFromHeap(filter) as Float32Array;
  const to = backend.typedArrayFromHeap(flipped) as Float32Array;
  for (let tap = 0; tap < taps; tap++) to.set(from.subarray(tap * block, (tap + 1) * block), (taps - 1 - tap) * block);
  return flipped;
}

/**
 * dx of a conv whose strides are 1: the correlation of dy with the filter rotated 180° (in and out channels
 * swapped), run by the wasm Conv2D (XNNPACK) with the padding that restores the input's size.
 * Undefined when that padding would be negative (a pad beyond the filter), which col2im still handles.
 */
function stride1InputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo | undefined {
  const padBottom = g.inHeight - g.outHeight + g.padTop;
  const padRight = g.inWidth - g.outWidth + g.padLeft;
  const pads = [g.filterHeight - 1 - g.padTop, padBottom, g.filterWidth - 1 - g.padLeft, padRight];
  if (pads.some((p) => p < 0)) return undefined;
  const [top, bottom, left, right] = pads as [number, number, number, number];
  const flipped = flipSpatially(backend, filter);
  const rotated = callWasmKernel('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  try {
    const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return callWasmKernel('Conv2D', backend, { x: dy, filter: rotated }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  } finally {
    disposeAll(backend, [flipped, rotated]);
  }
}

/**
 * dx = col2im(dy · Wᵀ): the product by the wasm BatchMatMul (XNNPACK fully-connected), the scatter-add
 * back onto the input grid in JS on the wasm heap; stride 1 runs as one forward conv instead. NHWC float32
 * only. The same gradient through the backend's own kernel (a scalar loop nest) takes 2–9× longer; see
 * bench/conv2d-gradients.ts.
 */
export function conv2dBackpropInputWasm(args: WasmKernelArgs, maxPatchFloats = DEFAULT_MAX_PATCH_FLOATS): TensorInfo {
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined) throw new UnsupportedOperationError(KERNEL, 'inputs dy and filter are required.');
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new UnsupportedOperationError(KERNEL, `dy and filter must be float32 (got ${dy.dtype} and ${filter.dtype}).`);
  }
  const backend = args.backend;
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const g = convGeometry(attrs.inputShape, filter.shape, attrs);
  if (g.strideHeight === 1 && g.strideWidth === 1) {
    const dx = stride1InputGradient(backend, dy, filter, g);
    if (dx !== undefined) return dx;
  }
  const patchLength = g.filterHeight * g.filterWidth * g.inChannels;
  const outChannels = g.outChannels;
  const totalRows = g.batchSize * g.outHeight;
  const rowsPerChunk = Math.max(1, Math.floor(maxPatchFloats / (patchLength * g.outWidth)));

  const dx = backend.makeOutput(attrs.inputShape, 'float32');
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  // Wᵀ as a fresh [outChannels, patch] tensor: XNNPACK caches its packed right-hand operand by tensor id.
  const filter2d = callWasmKernel('Reshape', backend, { x: filter }, { shape: [patchLength, outChannels] });
  const filterT = callWasmKernel('Transpose', backend, { x: filter2d }, { perm: [1, 0] });
  const dy2d = callWasmKernel('Reshape', backend, { x: dy }, { shape: [totalRows * g.outWidth, outChannels] });
  try {
    for (let rowBegin = 0; rowBegin < totalRows; rowBegin += rowsPerChunk) {
      const rowEnd = Math.min(totalRows, rowBegin + rowsPerChunk);
      const dyChunk = callWasmKernel('Slice', backend, { x: dy2d }, { begin: [rowBegin * g.outWidth, 0], size: [(rowEnd - rowBegin) * g.outWidth, outChannels] });
      const cols = callWasmKernel('BatchMatMul', backend, { a: dyChunk, b: filterT }, { transposeA: false, transposeB: false });
      // Heap views are taken after the allocation: growing the wasm memory detaches older views.
      col2imAdd(backend.typedArrayFromHeap(cols) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array, g, rowBegin, rowEnd);
      disposeAll(backend, [dyChunk, cols]);
    }
  } finally {
    disposeAll(backend, [filter2d, filterT, dy2d]);
  }
  return dx;
}

/**
 * Replaces tfjs-backend-wasm 4.22's `Conv2DBackpropInput` (the input gradient of every conv, and the forward
 * pass of transposed convs) for NHWC; NCHW still runs on `original`, whose setup it keeps.
 */
export function conv2dBackpropInputWasmConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo =>
    (args.attrs as unknown as Conv2DBackpropInputAttrs).dataFormat === 'NCHW'
      ? (original.kernelFunc(args) as TensorInfo)
      : conv2dBackpropInputWasm(args);
  return {
    kernelName: KERNEL,
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
