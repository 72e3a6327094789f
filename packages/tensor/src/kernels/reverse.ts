import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, ReverseAttrs, TensorInfo } from '@tensorflow/tfjs';

type WasmKernelArgs = { inputs: { x?: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap };

/**
 * `x` reversed along `axes`, as block copies: the axes after the last reversed one stay in order, so each index
 * over the axes up to it owns a contiguous block, copied to the index with the reversed coordinates flipped (a
 * filter [fh, fw, in, out] flipped spatially is its fh·fw blocks of in·out values in reverse order).
 */
export function reverseAxes(backend: BackendWasm, x: TensorInfo, axes: readonly number[]): TensorInfo {
  const shape = x.shape;
  const outer = axes.length === 0 ? 0 : Math.max(...axes) + 1;
  const block = shape.slice(outer).reduce((a, b) => a * b, 1);
  const blocks = shape.slice(0, outer).reduce((a, b) => a * b, 1);
  const strides = shape.slice(0, outer).map((_, axis) => shape.slice(axis + 1, outer).reduce((a, b) => a * b, 1));
  const out = backend.makeOutput(shape, x.dtype);
  // Views are taken after makeOutput: growing the wasm memory detaches older ones.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  for (let i = 0; i < blocks; i++) {
    let target = 0;
    for (let axis = 0; axis < outer; axis++) {
      const coordinate = Math.floor(i / strides[axis]!) % shape[axis]!;
      target += (axes.includes(axis) ? shape[axis]! - 1 - coordinate : coordinate) * strides[axis]!;
    }
    to.set(from.subarray(i * block, (i + 1) * block), target * block);
  }
  return out;
}

/** The axes `dims` names, each once, counted from the end where negative. */
function axesOf(dims: number | number[], rank: number): number[] {
  return [...new Set((typeof dims === 'number' ? [dims] : dims).map((d) => (d < 0 ? d + rank : d)))];
}

/**
 * Replaces tfjs-backend-wasm 4.22's `Reverse` (an element loop, and one whose results differed from the cpu
 * backend's for int32, bool and some axes; BENCHMARKS.md, "Training speed on wasm") by `reverseAxes`; dtypes other
 * than float32, int32 and bool still run on `original`.
 */
export function reverseWasmConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo => {
    const { x } = args.inputs;
    if (x === undefined || !['float32', 'int32', 'bool'].includes(x.dtype)) return original.kernelFunc(args) as TensorInfo;
    return reverseAxes(args.backend, x, axesOf((args.attrs as unknown as ReverseAttrs).dims, x.shape.length));
  };
  return {
    kernelName: 'Reverse',
    backendName: 'wasm',
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
