import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, TileAttrs } from '@tensorflow/tfjs';

type WritableArray = Float32Array | Int32Array | Uint8Array;
type WasmKernelArgs = { inputs: { x?: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap };

/** Copies out[base, base + filled) after itself until out[base, base + total) is full, doubling each time. */
function repeatBlock(out: WritableArray, base: number, filled: number, total: number): void {
  for (let done = filled; done < total; ) {
    const count = Math.min(done, total - done);
    out.copyWithin(base + done, base, base + count);
    done += count;
  }
}

/** Calls `visit(offset)` for every index over the first `dims` dimensions of `shape`, at `strides`. */
function forEachPrefix(shape: readonly number[], strides: readonly number[], dims: number, visit: (offset: number) => void): void {
  const index = new Array<number>(dims).fill(0);
  for (let offset = 0; ; ) {
    visit(offset);
    let d = dims - 1;
    for (; d >= 0; d--) {
      offset += strides[d]!;
      if (++index[d]! < shape[d]!) break;
      offset -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * The same tiling over fewer dimensions: a dimension that is not repeated merges into the one before it
 * ([a, b] tiled [r, 1] is [a·b] tiled [r]), so that rows are as long as possible.
 */
function mergeUnrepeated(shape: readonly number[], reps: readonly number[]): { shape: number[]; reps: number[] } {
  const merged = { shape: [shape[0]!], reps: [reps[0]!] };
  for (let d = 1; d < shape.length; d++) {
    if (reps[d] === 1) merged.shape[merged.shape.length - 1]! *= shape[d]!;
    else {
      merged.shape.push(shape[d]!);
      merged.reps.push(reps[d]!);
    }
  }
  return merged;
}

/**
 * Writes `x` (row-major, `shape`) tiled `reps` times along each dimension into `out`. Each input row is
 * copied once; everything else is block copies (memmove), inner dimensions first.
 */
export function tileInto(x: WritableArray, xShape: readonly number[], xReps: readonly number[], out: WritableArray): void {
  if (xShape.length === 0 || x.length === 0) {
    out.set(x);
    return;
  }
  const { shape, reps } = mergeUnrepeated(xShape, xReps);
  const rank = shape.length;
  const outShape = shape.map((s, i) => s * reps[i]!);
  const outStrides = outShape.map((_, i) => outShape.slice(i + 1).reduce((a, b) => a * b, 1));
  const rowLength = shape[rank - 1]!;
  let row = 0;
  forEachPrefix(shape, outStrides, rank - 1, (offset) => {
    out.set(x.subarray(row, row + rowLength), offset);
    repeatBlock(out, offset, rowLength, rowLength * reps[rank - 1]!);
    row += rowLength;
  });
  for (let d = rank - 2; d >= 0; d--) {
    if (reps[d] === 1) continue;
    const block = shape[d]! * outStrides[d]!;
    forEachPrefix(shape, outStrides, d, (offset) => repeatBlock(out, offset, block, block * reps[d]!));
  }
}

/**
 * Replaces tfjs-backend-wasm 4.22's `Tile` (an element loop that every batch-norm gradient calls; BENCHMARKS.md,
 * "Training speed on wasm") by `tileInto`'s block copies; dtypes other than float32, int32 and bool still run on
 * `original`.
 */
export function tileWasmConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo => {
    const { x } = args.inputs;
    if (x === undefined || !['float32', 'int32', 'bool'].includes(x.dtype)) return original.kernelFunc(args) as TensorInfo;
    const { reps } = args.attrs as unknown as TileAttrs;
    const out = args.backend.makeOutput(x.shape.map((s, i) => s * reps[i]!), x.dtype);
    // Views are taken after makeOutput: growing the wasm memory detaches older ones.
    tileInto(args.backend.typedArrayFromHeap(x), x.shape, reps, args.backend.typedArrayFromHeap(out));
    return out;
  };
  return {
    kernelName: 'Tile',
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
