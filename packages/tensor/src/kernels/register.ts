import type { KernelConfig } from '@tensorflow/tfjs';
import { tf } from '../tfjs.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { resizeNearestNeighborGradCpuConfig } from './resize-nearest-neighbor-grad.js';
import { reverseWasmConfig } from './reverse.js';
import { tileWasmConfig } from './tile.js';

/** Kernels the backend lacks. */
const GAP_KERNELS: readonly KernelConfig[] = [conv2dBackpropFilterWasmConfig];

/** Kernels the backend has but computes wrongly, or far slower than a composition of its other kernels. */
const REPLACEMENT_KERNELS: readonly { kernelName: string; backendName: string; replace: (original: KernelConfig) => KernelConfig }[] = [
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', replace: conv2dBackpropInputWasmConfig },
  { kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', replace: resizeNearestNeighborGradCpuConfig },
  { kernelName: 'Reverse', backendName: 'wasm', replace: reverseWasmConfig },
  { kernelName: 'Tile', backendName: 'wasm', replace: tileWasmConfig },
];

const replacements = new WeakSet<KernelConfig>();

/**
 * Registers the kernels training needs that the backend lacks (skipping any it has, so a tfjs upgrade
 * that fills a gap takes precedence) and swaps in the corrected or faster ones, once. Returns the names registered now.
 */
export function registerGapKernels(backendName: string): string[] {
  const registered: string[] = [];
  for (const config of GAP_KERNELS) {
    if (config.backendName !== backendName) continue;
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  for (const { kernelName, replace } of REPLACEMENT_KERNELS.filter((r) => r.backendName === backendName)) {
    const original = tf.getKernel(kernelName, backendName);
    if (original === undefined || replacements.has(original)) continue;
    const replacement = replace(original);
    replacements.add(replacement);
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(replacement);
    registered.push(kernelName);
  }
  return registered;
}
