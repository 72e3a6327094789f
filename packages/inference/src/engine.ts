import os from 'node:os';
import type { ModelManifest } from '@sim2real/translation';
import { EngineConfigError } from './errors.js';

/** The inference engines: onnxruntime-node, or TensorFlow.js (the fallback and the reference). */
export type EngineKind = 'onnx' | 'tfjs';

/** An engine asked for: one of them, or `auto` (ONNX where the version has a current export and the runtime loads). */
export type EngineChoice = 'auto' | EngineKind;

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'onnx', 'tfjs'];

/** What runs a model, for logs, health, ListModels / GetModel and metrics. */
export interface EngineInfo {
  kind: EngineKind;
  /** e.g. `onnxruntime-node 1.31.1 cpu, 2 threads` or `tfjs wasm`. */
  description: string;
  /** Why this engine: forced, or why ONNX was not used. */
  reason: string;
  /** ONNX only: the execution provider in use. */
  provider?: 'cuda' | 'cpu';
  /** ONNX only: intra-op threads. */
  threads?: number;
}

/** Outputs of one run, float32 NHWC: `count × size × size × 3` (output, initial) and `count × size × size` (attention). */
export interface EngineOutputs {
  /** G(x) in [-1, 1]. */
  output: Float32Array;
  /** G0(x) in [-1, 1]. */
  initial: Float32Array;
  /** A(x) in [0, 1]; all ones without an attention branch. */
  attention: Float32Array;
}

/** One model version ready to translate, on one engine. */
export interface InferenceEngine {
  readonly info: EngineInfo;
  readonly manifest: ModelManifest;
  /** The model's input width and height. */
  readonly imageSize: number;
  /** Channels of z that G0 takes (0 = no noise input). */
  readonly noiseSize: number;
  /**
   * Translates `count` images given as float32 NHWC values in [-1, 1] (`count × imageSize × imageSize × 3`); `draw`
   * picks the noise as `imageNoise` does. Never blocks the event loop on the ONNX engine (it runs in a worker).
   */
  run(input: Float32Array, count: number, draw?: number): Promise<EngineOutputs>;
  /** Frees the model (and stops the ONNX worker). */
  dispose(): Promise<void>;
}

/** Options of `loadEngine`. */
export interface EngineOptions {
  /** @default 'auto' */
  engine?: EngineChoice;
  /** Intra-op threads of the ONNX engine. @default os.availableParallelism() */
  threads?: number;
  /** Ask for the CUDA execution provider where its library is installed. @default true */
  gpu?: boolean;
}

/** Validated engine options. */
export interface EngineConfig {
  engine: EngineChoice;
  threads: number;
  gpu: boolean;
}

/** Fills defaults and validates; throws EngineConfigError naming the field. */
export function resolveEngineConfig(options: EngineOptions = {}): EngineConfig {
  const engine = options.engine ?? 'auto';
  if (!ENGINE_CHOICES.includes(engine)) throw new EngineConfigError('engine', `engine must be one of ${ENGINE_CHOICES.join(', ')}, got "${String(engine)}".`);
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new EngineConfigError('threads', `threads must be an integer from 1 to 1024, got ${String(threads)}.`);
  return { engine, threads, gpu: options.gpu ?? true };
}

/** Environment variables of the engine options (read by mains and the CLI only). */
export const ENGINE_ENV = { engine: 'SIM2REAL_ENGINE', threads: 'SIM2REAL_INFERENCE_THREADS' } as const;
