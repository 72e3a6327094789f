import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../tfjs.js';
import { UnsupportedOperationError } from '../errors.js';

/**
 * Runs another wasm kernel on TensorInfos, inside a kernel of ours. The caller owns the result
 * and frees it with `backend.disposeData(result.dataId)` (reshapes share data and count references).
 */
export function callWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new UnsupportedOperationError(kernelName, 'the wasm backend has no such kernel.');
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  const first = Array.isArray(out) ? out[0] : out;
  if (first === undefined) throw new UnsupportedOperationError(kernelName, 'the wasm kernel returned no output.');
  return first;
}

/** Frees intermediate results of `callWasmKernel`. */
export function disposeAll(backend: BackendWasm, infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
