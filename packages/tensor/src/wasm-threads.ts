import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tfjs.js';

const require = createRequire(import.meta.url);

/** Emscripten's pthread pool of the threaded build: 8 workers made at start-up, so at most 8 threads. */
export const MAX_WASM_THREADS = 8;

/** The priority tfjs-backend-wasm registers 'wasm' with; kept so that 'auto' ordering does not change. */
const WASM_PRIORITY = 2;

/** The `factory.js` of the threaded-SIMD build, its pthread worker (ours, see the .cjs), and its binary. */
const THREADED_SCRIPT = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const THREADED_BINARY = join(dirname(THREADED_SCRIPT), 'tfjs-backend-wasm-threaded-simd.wasm');
const WORKER_SCRIPT = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

type Imports = Record<string, Record<string, unknown>>;

/** The one WebAssembly call made here (the global is there in Node; this project's lib settings omit its types). */
interface WebAssemblyApi {
  instantiate(binary: Uint8Array, imports: Imports): Promise<{ instance: object; module: object }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** What the Emscripten factory of the threaded build takes (wasm-out/*.d.ts, plus `instantiateWasm`'s shape). */
interface FactoryConfig {
  mainScriptUrlOrBlob: string;
  locateFile(path: string, prefix: string): string;
  instantiateWasm(imports: Imports, receive: (instance: object, module: object) => void): object;
  onAbort(message: string): void;
}

/** The parts of the Emscripten module that this file uses beyond what BackendWasm needs. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

type Factory = (config: FactoryConfig) => Promise<ThreadedModule>;

/**
 * The default thread count of a training process that has the machine to itself: every core this
 * process may run on (`os.availableParallelism()`), at most `MAX_WASM_THREADS`.
 */
export function defaultTrainingThreads(): number {
  return Math.max(1, Math.min(MAX_WASM_THREADS, availableParallelism()));
}

/**
 * Instantiates the threaded-SIMD build with `threads` threads, without the three things that keep
 * tfjs-backend-wasm 4.22 single-threaded in Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false under
 * Node (the factory is called here instead of through the package's `init`), its worker is a `blob:`
 * URL that Node's worker_threads refuse (a file is given instead, `wasm-pthread-worker.cjs`), and its
 * C++ caps the pool at half `emscripten_num_logical_cores()` (that import reports 2 × `threads` here).
 */
async function instantiateThreaded(threads: number): Promise<ThreadedModule> {
  const factory = require(THREADED_SCRIPT) as Factory;
  const binary = await readFile(THREADED_BINARY);
  let aborted: ((reason: Error) => void) | undefined;
  const abort = new Promise<never>((_, reject) => (aborted = reject));
  const module = factory({
    mainScriptUrlOrBlob: THREADED_SCRIPT,
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? WORKER_SCRIPT : prefix + path),
    instantiateWasm: (imports, receive) => {
      const env = imports.env;
      if (env !== undefined) env.emscripten_num_logical_cores = () => 2 * threads;
      webAssembly.instantiate(binary, imports).then(
        (result) => receive(result.instance, result.module),
        (error: unknown) => aborted?.(error instanceof Error ? error : new Error(String(error))),
      );
      return {};
    },
    onAbort: (message) => aborted?.(new Error(`the threaded wasm build aborted: ${message}`)),
  });
  return Promise.race([module, abort]);
}

/** The `tfjs` functions BackendWasm calls, as tfjs-backend-wasm's `init` adds them. */
function addTfjsBindings(module: ThreadedModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/** tfjs-backend-wasm's own factory (single-threaded SIMD build), kept to register it again. */
let packageFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/**
 * Registers the 'wasm' backend factory for `threads` threads (1 to `MAX_WASM_THREADS`): for 1, the
 * package's own (the single-threaded SIMD build, as before); for more, the threaded-SIMD build. Kernels
 * are registered by backend name and stay. An instantiated 'wasm' backend is disposed first (its tensors
 * with it). The pthreads do not keep the process alive (their workers are unref'd); disposing the
 * backend (`tf.removeBackend('wasm')`, or a switch here) terminates them.
 */
export async function registerWasmFactory(threads: number): Promise<void> {
  const wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
  packageFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  if (packageFactory === undefined) throw new Error('@tensorflow/tfjs-backend-wasm registered no wasm backend');
  const threaded = async (): Promise<tf.KernelBackend> => {
    const module = await instantiateThreaded(threads);
    addTfjsBindings(module);
    wasmPackage.setThreadsCount(threads);
    const backend = new wasmPackage.BackendWasm(module as unknown as BackendWasm['wasm']);
    for (const worker of module.PThread.runningWorkers) worker.unref();
    return backend;
  };
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', threads > 1 ? threaded : packageFactory, WASM_PRIORITY);
  // Said for what tf.env() reports; the package's own init, which reads it, is not used for threads.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
}
