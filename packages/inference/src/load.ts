import { readModelManifest } from '@sim2real/translation';
import { resolveEngineConfig } from './engine.js';
import type { EngineOptions, InferenceEngine } from './engine.js';
import { EngineUnavailableError } from './errors.js';
import { loadOnnxEngine } from './onnx-engine.js';
import { loadTfjsEngine } from './tfjs-engine.js';

/**
 * Opens a model version on an engine. `auto`: onnxruntime-node when the version has a current ONNX export and the
 * runtime loads, else TensorFlow.js (the reason says why); `onnx` throws EngineUnavailableError instead of falling
 * back; `tfjs` always uses TensorFlow.js. The tfjs backend must be initialised first (initBackend) for tfjs.
 */
export async function loadEngine(modelDir: string, options: EngineOptions = {}): Promise<InferenceEngine> {
  const config = resolveEngineConfig(options);
  if (config.engine === 'tfjs') return loadTfjsEngine(modelDir, 'tfjs was asked for');
  const manifest = await readModelManifest(modelDir);
  try {
    return await loadOnnxEngine(modelDir, manifest, config, config.engine === 'onnx' ? 'onnx was asked for' : 'the version has a current ONNX export');
  } catch (error) {
    if (config.engine === 'onnx' || !(error instanceof EngineUnavailableError)) throw error;
    return loadTfjsEngine(modelDir, `fallback: ${error.reason}`);
  }
}
