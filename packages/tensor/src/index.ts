export { tf } from './tfjs.js';
export { initBackend, backendInfo } from './backend.js';
export { defaultTrainingThreads, MAX_WASM_THREADS } from './wasm-threads.js';
export { dilatedConv2d } from './dilated-conv.js';
export { DilatedConv2D } from './dilated-conv-layer.js';
export { BackendUnavailableError, UnsupportedOperationError } from './errors.js';
export type { BackendChoice, BackendInfo, InitBackendOptions, TriedBackend } from './types.js';
export type { DilatedPadding, DilationRate } from './dilated-conv.js';
export type { DilatedConv2DArgs, SerializedInitializer } from './dilated-conv-layer.js';
