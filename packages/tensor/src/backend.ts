import { tf } from './tfjs.js';
import { BackendUnavailableError } from './errors.js';
import { registerGapKernels } from './kernels/register.js';
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

let current: { choice: BackendChoice; info: Promise<BackendInfo> } | undefined;
let resolved: BackendInfo | undefined;

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').trim() || 'unknown error';
}

/** Imports the package and switches tfjs to its backend; throws with a one-line reason on failure. */
async function activate(candidate: Candidate): Promise<void> {
  // The cpu backend is registered by @tensorflow/tfjs itself; the native packages are optional
  // dependencies that may be absent (their libtensorflow download needs the internet).
  if (candidate.choice !== 'cpu') {
    const specifier: string = candidate.package;
    await import(specifier);
  }
  registerGapKernels(candidate.backendName);
  if (!(await tf.setBackend(candidate.backendName))) {
    throw new Error(`tf.setBackend('${candidate.backendName}') failed to initialise the backend`);
  }
  await tf.ready();
}

async function describe(candidate: Candidate, requested: BackendChoice, tried: TriedBackend[]): Promise<BackendInfo> {
  const info: BackendInfo = { name: tf.getBackend(), package: candidate.package, requested, tried };
  if (candidate.backendName === 'wasm') info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') === true;
  return info;
}

async function select(requested: BackendChoice): Promise<BackendInfo> {
  const tried: TriedBackend[] = [];
  const candidates = requested === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.choice === requested);
  for (const candidate of candidates) {
    try {
      await activate(candidate);
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
 * lacks, and logs one JSON line. Calling it again with the same choice returns the same info; a
 * different choice switches backend.
 * @throws BackendUnavailableError when a forced backend cannot be loaded.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? 'auto';
  if (current?.choice === requested) return current.info;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const startedMs = performance.now();
  const info = select(requested).then((result) => {
    resolved = result;
    const { name, ...rest } = result;
    log(JSON.stringify({ event: 'tfjs_backend', backend: name, ...rest, initMs: Math.round(performance.now() - startedMs) }));
    return result;
  });
  current = { choice: requested, info };
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
