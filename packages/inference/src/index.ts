export { ENGINE_CHOICES, ENGINE_ENV, resolveEngineConfig } from './engine.js';
export type { EngineChoice, EngineConfig, EngineInfo, EngineKind, EngineOptions, EngineOutputs, InferenceEngine } from './engine.js';
export { loadEngine } from './load.js';
export { translateImages } from './translate.js';
export type { TranslateImagesOptions, TranslatedImages } from './translate.js';
export { EngineConfigError, EngineUnavailableError, InferenceError } from './errors.js';
export { runTorchReference } from './torch-reference.js';
export type { TorchReference, TorchReferenceOptions, TorchReferenceResult } from './torch-reference.js';
