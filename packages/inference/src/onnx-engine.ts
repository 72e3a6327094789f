import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ONNX_NAMES } from '@sim2real/onnx-export';
import { imageNoiseValues } from '@sim2real/translation';
import type { ModelManifest } from '@sim2real/translation';
import type { EngineConfig, EngineOutputs, InferenceEngine } from './engine.js';
import { EngineUnavailableError, InferenceError } from './errors.js';
import type { OnnxWorkerCommand, OnnxWorkerInput, OnnxWorkerMessage } from './onnx-protocol.js';

const WORKER_URL = new URL('./onnx-worker.ts', import.meta.url);

/** Where onnxruntime-node keeps the CUDA execution provider when its install step fetched it; undefined when absent. */
function cudaLibrary(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    const file = path.resolve(path.dirname(main), '..', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts onnx-worker.ts. Workers do not inherit the TypeScript loader of the main thread (module hooks are per
 * thread in Node 20), so a one-line ESM bootstrap registers tsx in the worker first.
 */
function startWorker(input: OnnxWorkerInput): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: input, transferList: [input.model] });
}

/** The current export's bytes, checked against the manifest; throws EngineUnavailableError saying what is wrong. */
export async function readOnnxExport(modelDir: string, manifest: ModelManifest): Promise<Uint8Array> {
  const record = manifest.onnx;
  const fix = `run 'sim2real export --model ${modelDir}'`;
  if (!record) throw new EngineUnavailableError('onnx', modelDir, `the version has no ONNX export; ${fix}.`);
  if (record.checkpoint !== manifest.checkpoint) {
    throw new EngineUnavailableError('onnx', modelDir, `its ONNX export is of checkpoint ${record.checkpoint}, not of the current ${manifest.checkpoint}; ${fix}.`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(modelDir, path.basename(record.file)));
  } catch (cause) {
    throw new EngineUnavailableError('onnx', modelDir, `${record.file} cannot be read; ${fix}.`, { cause });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== record.sha256) throw new EngineUnavailableError('onnx', modelDir, `${record.file} does not match the SHA-256 in the manifest; ${fix}.`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The onnxruntime-node engine: the version's model.onnx in a session on its own worker thread (CUDA execution
 * provider first where installed, else CPU with `threads` intra-op threads). Batches queue in the worker in order.
 */
export async function loadOnnxEngine(modelDir: string, manifest: ModelManifest, config: EngineConfig, reason: string): Promise<InferenceEngine> {
  const bytes = await readOnnxExport(modelDir, manifest);
  const model = bytes.slice().buffer;
  const worker = startWorker({ model, threads: config.threads, cudaLibrary: config.gpu ? cudaLibrary() : undefined, names: ONNX_NAMES });
  const pending = new Map<number, { resolve: (o: EngineOutputs) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exited: Error | undefined;
  const ready = new Promise<Extract<OnnxWorkerMessage, { type: 'ready' }>>((resolve, reject) => {
    worker.on('message', (message: OnnxWorkerMessage) => {
      switch (message.type) {
        case 'ready':
          resolve(message);
          return;
        case 'failed':
          reject(new EngineUnavailableError('onnx', modelDir, `onnxruntime-node could not open model.onnx (${message.message}).`));
          return;
        case 'result': {
          const { output, attention, initial } = message;
          pending.get(message.id)?.resolve({ output, attention, initial });
          pending.delete(message.id);
          return;
        }
        case 'error':
          pending.get(message.id)?.reject(new InferenceError(`onnxruntime-node failed on ${modelDir}: ${message.message}`));
          pending.delete(message.id);
      }
    });
    worker.on('error', (error) => {
      exited = new InferenceError(`The ONNX worker of ${modelDir} failed: ${error.message}`, { cause: error });
      reject(new EngineUnavailableError('onnx', modelDir, `onnxruntime-node did not load (${error.message}).`, { cause: error }));
    });
    worker.on('exit', () => {
      exited ??= new InferenceError(`The ONNX worker of ${modelDir} has stopped.`);
      for (const p of pending.values()) p.reject(exited);
      pending.clear();
      reject(exited);
    });
  });
  const opened = await ready;
  const noiseSize = manifest.config.noiseSize;
  const size = manifest.config.imageSize;
  const fallback = opened.fallback === undefined ? '' : `; CPU because ${opened.fallback}`;
  return {
    info: {
      kind: 'onnx',
      description: `onnxruntime-node ${opened.version} ${opened.provider}, ${config.threads} threads`,
      reason: `${reason}${fallback}`,
      provider: opened.provider,
      threads: config.threads,
    },
    manifest,
    imageSize: size,
    noiseSize,
    run(input, count, draw = 0) {
      if (exited) return Promise.reject(exited);
      if (input.length !== count * size * size * 3) {
        return Promise.reject(new InferenceError(`The ONNX engine of ${modelDir} expects ${count}×${size}×${size}×3 values, got ${input.length}.`));
      }
      const noise = noiseSize > 0 ? imageNoiseValues(input, count, noiseSize, draw) : undefined;
      const id = nextId++;
      const image = input.slice();
      const command: OnnxWorkerCommand = { type: 'run', id, count, image, noise };
      return new Promise<EngineOutputs>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(command, noise ? [image.buffer, noise.buffer as ArrayBuffer] : [image.buffer]);
      });
    },
    async dispose() {
      if (exited) return;
      const gone = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'close' } satisfies OnnxWorkerCommand);
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      if (!exited) await worker.terminate();
    },
  };
}
