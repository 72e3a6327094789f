import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '../errors.js';
import { callWasmKernel, disposeAll } from './wasm-kernel-call.js';
import { col2imAdd, convGeometry, type ConvGeometry } from './im2col.js';
import { reverseAxes } from './reverse.js';

const KERNEL = 'Conv2DBackpropInput';

/** Upper bound of one patch-matrix block on the wasm heap (floats, 64 MiB); larger problems run in row chunks. */
const DEFAULT_MAX_PATCH_FLOATS = 1 << 24;

type WasmKernelArgs = { inputs: { dy?: TensorInfo; filter?: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap };

/**
 * dx of a conv whose strides are 1: the correlation of dy with the filter rotated 180° (in and out channels
 * swapped), run by the wasm Conv2D (XNNPACK) with the padding that restores the input's size.
 * Undefined when that padding would be negative (a pad beyond the filter), which the phase path handles.
 */
function stride1InputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo | undefined {
  const padBottom = g.inHeight - g.outHeight + g.padTop;
  const padRight = g.inWidth - g.outWidth + g.padLeft;
  const pads = [g.filterHeight - 1 - g.padTop, padBottom, g.filterWidth - 1 - g.padLeft, padRight];
  if (pads.some((p) => p < 0)) return undefined;
  const [top, bottom, left, right] = pads as [number, number, number, number];
  const flipped = reverseAxes(backend, filter, [0, 1]);
  const rotated = callWasmKernel('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  try {
    const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return callWasmKernel('Conv2D', backend, { x: dy, filter: rotated }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  } finally {
    disposeAll(backend, [flipped, rotated]);
  }
}

/** One axis of one output phase (input positions s·i + phase) of a stride-s input gradient. */
interface PhaseAxis {
  /** Input positions in the phase. */
  size: number;
  /** Filter taps that reach it: r, r + s, … (fewer than the filter's). */
  taps: number;
  /** First tap. */
  first: number;
  /** dy positions the stride-1 correlation reads, [lo, hi]; outside [0, dySize) they are zero padding. */
  lo: number;
  hi: number;
}

function phaseAxis(phase: number, stride: number, pad: number, filterSize: number, inSize: number): PhaseAxis {
  const first = (phase + pad) % stride;
  const shift = Math.floor((phase + pad) / stride);
  const taps = Math.max(0, Math.ceil((filterSize - first) / stride));
  const size = Math.max(0, Math.ceil((inSize - phase) / stride));
  return { size, taps, first, lo: shift - (taps - 1), hi: size - 1 + shift };
}

/**
 * The taps of one phase as a stride-1 conv filter [tapsY, tapsX, out, in]: W[first + s·(taps − 1 − j)] at j
 * (reversed), in and out channels swapped, written in JS on the heap.
 */
function phaseFilter(backend: BackendWasm, filter: TensorInfo, g: ConvGeometry, y: PhaseAxis, x: PhaseAxis): TensorInfo {
  const { inChannels, outChannels } = g;
  const sub = backend.makeOutput([y.taps, x.taps, outChannels, inChannels], 'float32');
  // Views are taken after makeOutput: growing the wasm memory detaches older ones.
  const from = backend.typedArrayFromHeap(filter) as Float32Array;
  const to = backend.typedArrayFromHeap(sub) as Float32Array;
  let at = 0;
  for (let j = 0; j < y.taps; j++) {
    const fy = y.first + g.strideHeight * (y.taps - 1 - j);
    for (let i = 0; i < x.taps; i++) {
      const fx = x.first + g.strideWidth * (x.taps - 1 - i);
      const tap = (fy * g.filterWidth + fx) * inChannels * outChannels;
      for (let o = 0; o < outChannels; o++) {
        for (let c = 0; c < inChannels; c++) to[at++] = from[tap + c * outChannels + o]!;
      }
    }
  }
  return sub;
}

/**
 * dx of a strided conv as stride² stride-1 convs, one per output phase (input rows s·i + py, columns s·j + px):
 * each phase sees only the filter taps ≡ py, px (mod s), as a correlation of dy with those taps reversed, run by
 * the wasm Conv2D (XNNPACK); the phases are then interleaved into dx in JS. No patch matrix, no scatter-add.
 */
export function phaseInputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, inputShape: readonly number[]): TensorInfo {
  const dx = backend.makeOutput([...inputShape], 'float32');
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  for (let py = 0; py < g.strideHeight; py++) {
    for (let px = 0; px < g.strideWidth; px++) {
      const y = phaseAxis(py, g.strideHeight, g.padTop, g.filterHeight, g.inHeight);
      const x = phaseAxis(px, g.strideWidth, g.padLeft, g.filterWidth, g.inWidth);
      // dy positions actually read; a phase that reads none (or has no taps) keeps its zeros.
      const [y0, y1] = [Math.max(0, y.lo), Math.min(g.outHeight - 1, y.hi)];
      const [x0, x1] = [Math.max(0, x.lo), Math.min(g.outWidth - 1, x.hi)];
      if (y.size === 0 || x.size === 0 || y.taps === 0 || x.taps === 0 || y1 < y0 || x1 < x0) continue;
      const whole = y0 === 0 && x0 === 0 && y1 === g.outHeight - 1 && x1 === g.outWidth - 1;
      const dyPart = whole ? dy : callWasmKernel('Slice', backend, { x: dy }, { begin: [0, y0, x0, 0], size: [g.batchSize, y1 - y0 + 1, x1 - x0 + 1, g.outChannels] });
      const sub = phaseFilter(backend, filter, g, y, x);
      const pad = [[0, 0], [y0 - y.lo, y.hi - y1], [x0 - x.lo, x.hi - x1], [0, 0]];
      const phase = callWasmKernel('Conv2D', backend, { x: dyPart, filter: sub }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
      // Views are taken after the last allocation: growing the wasm memory detaches older ones.
      const from = backend.typedArrayFromHeap(phase) as Float32Array;
      const to = backend.typedArrayFromHeap(dx) as Float32Array;
      const channels = g.inChannels;
      let at = 0;
      for (let n = 0; n < g.batchSize; n++) {
        for (let i = 0; i < y.size; i++) {
          const row = (n * g.inHeight + g.strideHeight * i + py) * g.inWidth;
          for (let j = 0; j < x.size; j++) {
            const dst = (row + g.strideWidth * j + px) * channels;
            for (let c = 0; c < channels; c++) to[dst + c] = from[at++]!;
          }
        }
      }
      disposeAll(backend, whole ? [sub, phase] : [sub, phase, dyPart]);
    }
  }
  return dx;
}

/** The inputs, attributes and geometry of one call, checked. */
function checkedCall(args: WasmKernelArgs): { dy: TensorInfo; filter: TensorInfo; attrs: Conv2DBackpropInputAttrs; g: ConvGeometry } {
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined) throw new UnsupportedOperationError(KERNEL, 'inputs dy and filter are required.');
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new UnsupportedOperationError(KERNEL, `dy and filter must be float32 (got ${dy.dtype} and ${filter.dtype}).`);
  }
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  return { dy, filter, attrs, g: convGeometry(attrs.inputShape, filter.shape, attrs) };
}

/**
 * dx of an NHWC float32 conv, all on XNNPACK convs: stride 1 as one forward conv of dy with the rotated
 * filter, larger strides as one conv per output phase (`phaseInputGradient`). See bench/conv2d-gradients.ts.
 */
export function conv2dBackpropInputWasm(args: WasmKernelArgs): TensorInfo {
  const { dy, filter, attrs, g } = checkedCall(args);
  const dx = g.strideHeight === 1 && g.strideWidth === 1 ? stride1InputGradient(args.backend, dy, filter, g) : undefined;
  return dx ?? phaseInputGradient(args.backend, dy, filter, g, attrs.inputShape);
}

/**
 * dx = col2im(dy · Wᵀ): the product by the wasm BatchMatMul (XNNPACK fully-connected), the scatter-add back
 * onto the input grid in JS on the wasm heap. The kernel before `phaseInputGradient`, kept as the baseline
 * that bench/conv2d-gradients.ts measures it against.
 */
export function conv2dBackpropInputCol2im(args: WasmKernelArgs, maxPatchFloats = DEFAULT_MAX_PATCH_FLOATS): TensorInfo {
  const { dy, filter, attrs, g } = checkedCall(args);
  const backend = args.backend;
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
