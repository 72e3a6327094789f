import { tf } from './tfjs.js';
import { BackendUnavailableError, UnsupportedOperationError } from './errors.js';
import { registerGapKernels } from './kernels/register.js';
import { MAX_WASM_THREADS, registerWasmFactory } from './wasm-threads.js';
import type { BackendChoice, BackendInfo, InitBackendOptions, TriedBackend } from './types.js';

type ConcreteChoice = Exclude<BackendChoice, 'auto'>;

interface Candidate {
  choice: ConcreteChoice;
  /** npm package whose import registers the backend. */
  package: string;
  /** Name the package registers with tfjs-core. */
  backendName: string;
}

const CANDIDATES: readonly Candidate[] = [
  { choice: 'tensorflow-gpu', package: '@tensorflow/tfjs-node-gpu', backendName: 'tensorflow' },
  { choice: 'tensorflow', package: '@tensorflow/tfjs-node', backendName: 'tensorflow' },
  { choice: 'wasm', package: '@tensorflow/tfjs-backend-wasm', backendName: 'wasm' },
  { choice: 'cpu', package: '@tensorflow/tfjs-backend-cpu', backendName: 'cpu' },
];

let current: { choice: BackendChoice; threads: number; info: Promise<BackendInfo> } | undefined;
let resolved: BackendInfo | undefined;
/** The thread count the registered 'wasm' factory runs with (the package's own factory: 1). */
let wasmFactoryThreads = 1;

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').trim() || 'unknown error';
}

/** Imports the package and switches tfjs to its backend; throws with a one-line reason on failure. */
async function activate(candidate: Candidate, threads: number): Promise<void> {
  // The cpu backend is registered by @tensorflow/tfjs itself; the native packages are optional
  // dependencies that may be absent (their libtensorflow download needs the internet).
  if (candidate.choice !== 'cpu') {
    const specifier: string = candidate.package;
    await import(specifier);
  }
  if (candidate.backendName === 'wasm' && threads !== wasmFactoryThreads) {
    await registerWasmFactory(threads);
    wasmFactoryThreads = threads;
  }
  registerGapKernels(candidate.backendName);
  if (!(await tf.setBackend(candidate.backendName))) {
    throw new Error(`tf.setBackend('${candidate.backendName}') failed to initialise the backend`);
  }
  await tf.ready();
}

async function describe(candidate: Candidate, requested: BackendChoice, tried: TriedBackend[]): Promise<BackendInfo> {
  const info: BackendInfo = { name: tf.getBackend(), package: candidate.package, requested, tried };
  if (candidate.backendName === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') === true;
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    info.threads = getThreadsCount();
  }
  return info;
}

async function select(requested: BackendChoice, threads: number): Promise<BackendInfo> {
  const tried: TriedBackend[] = [];
  const candidates = requested === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.choice === requested);
  for (const candidate of candidates) {
    try {
      await activate(candidate, threads);
      return await describe(candidate, requested, tried);
    } catch (error) {
      if (requested !== 'auto') {
        throw new BackendUnavailableError(requested, candidate.package, firstLine(error), { cause: error });
      }
      tried.push({ package: candidate.package, error: firstLine(error) });
    }
  }
  // Unreachable in practice: the cpu backend ships with @tensorflow/tfjs.
  throw new BackendUnavailableError(requested, 'any', tried.map((t) => `${t.package}: ${t.error}`).join('; '));
}

/**
 * Chooses and initialises the TensorFlow.js backend, registers the kernels training needs that it
 * lacks, and logs one JSON line. Calling it again with the same choice and threads returns the same
 * info; a different choice switches backend, and a different thread count on wasm instantiates it anew
 * (the tensors of the previous wasm instance are gone with it: choose before making any).
 * @throws BackendUnavailableError when a forced backend cannot be loaded.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? 'auto';
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    return Promise.reject(new UnsupportedOperationError('initBackend', `threads must be an integer from 1 to ${MAX_WASM_THREADS} (got ${String(threads)}).`));
  }
  if (current?.choice === requested && current.threads === threads) return current.info;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const startedMs = performance.now();
  const info = select(requested, threads).then((result) => {
    resolved = result;
    const { name, ...rest } = result;
    log(JSON.stringify({ event: 'tfjs_backend', backend: name, ...rest, initMs: Math.round(performance.now() - startedMs) }));
    return result;
  });
  current = { choice: requested, threads, info };
  // A failed selection is not cached: a later call may try again.
  info.catch(() => {
    if (current?.info === info) current = undefined;
  });
  return info;
}

/** The backend chosen by the last successful `initBackend`, or undefined before it. */
export function backendInfo(): BackendInfo | undefined {
  return resolved;
}
