import { backendInfo, tf } from '@sim2real/tensor';
import { loadTranslator } from '@sim2real/translation';
import type { EngineInfo, InferenceEngine } from './engine.js';

/**
 * The TensorFlow.js engine: the model's own networks on the selected tfjs backend (initBackend first). It computes
 * on the calling thread, as inference always did before the ONNX engine.
 */
export async function loadTfjsEngine(modelDir: string, reason: string): Promise<InferenceEngine> {
  const translator = await loadTranslator(modelDir);
  const size = translator.imageSize;
  const info: EngineInfo = { kind: 'tfjs', description: `tfjs ${backendInfo()?.name ?? tf.getBackend()}`, reason };
  return {
    info,
    manifest: translator.manifest,
    imageSize: size,
    noiseSize: translator.config.noiseSize,
    run(input, count, draw = 0) {
      const outputs = tf.tidy(() => {
        const { output, initial, attention } = translator.translate(tf.tensor4d(input, [count, size, size, 3]), draw);
        return [output, initial, attention];
      });
      try {
        const [output, initial, attention] = outputs.map((t) => t.dataSync<'float32'>());
        return Promise.resolve({ output: output!, initial: initial!, attention: attention! });
      } finally {
        tf.dispose(outputs);
      }
    },
    dispose() {
      translator.dispose();
      return Promise.resolve();
    },
  };
}
