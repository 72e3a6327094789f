import type { KernelConfig } from '@tensorflow/tfjs';
import { tf } from '../tfjs.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';

const GAP_KERNELS: readonly KernelConfig[] = [conv2dBackpropFilterWasmConfig];

/**
 * Registers the kernels training needs that the backend lacks. Skips any kernel the backend already
 * has, so a tfjs upgrade that fills a gap takes precedence. Returns the names registered now.
 */
export function registerGapKernels(backendName: string): string[] {
  const registered: string[] = [];
  for (const config of GAP_KERNELS) {
    if (config.backendName !== backendName) continue;
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
