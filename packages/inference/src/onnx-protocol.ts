/** Messages between the ONNX engine and its worker thread (onnx-worker.ts). */

/** workerData of the worker. */
export interface OnnxWorkerInput {
  /** The model.onnx bytes (transferred). */
  model: ArrayBuffer;
  threads: number;
  /** Path of the CUDA execution provider library when it is installed; the worker tries it first. */
  cudaLibrary: string | undefined;
  /** Graph input and output names (ONNX_NAMES of @sim2real/onnx-export). */
  names: { image: string; noise: string; output: string; attention: string; initial: string };
}

/** One batch to run. */
export interface OnnxRunCommand {
  type: 'run';
  id: number;
  count: number;
  image: Float32Array;
  noise: Float32Array | undefined;
}

export type OnnxWorkerCommand = OnnxRunCommand | { type: 'close' };

export type OnnxWorkerMessage =
  | { type: 'ready'; provider: 'cuda' | 'cpu'; fallback: string | undefined; version: string; inputs: string[]; outputs: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; output: Float32Array; attention: Float32Array; initial: Float32Array }
  | { type: 'error'; id: number; message: string };
