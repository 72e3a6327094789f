/** Which TensorFlow.js backend to use; 'auto' tries tfjs-node-gpu → tfjs-node → wasm → cpu. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Every `BackendChoice`, in the order 'auto' tries them after itself. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A backend package that was tried and rejected during 'auto' selection. */
export interface TriedBackend {
  /** npm package name, e.g. '@tensorflow/tfjs-node-gpu'. */
  package: string;
  /** Why it was skipped (one line). */
  error: string;
}

/** The backend in use, as reported by health checks, logs and metrics. */
export interface BackendInfo {
  /** `tf.getBackend()`: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** The npm package that provides it, e.g. '@tensorflow/tfjs-backend-wasm'. */
  package: string;
  /** What was asked for. */
  requested: BackendChoice;
  /** Packages tried before this one and why they were skipped (empty when the first choice loaded). */
  tried: TriedBackend[];
  /** For wasm: whether the SIMD build was loaded; undefined for other backends. */
  simd?: boolean;
  /** For wasm: the threads its XNNPACK pool runs on (1 = the single-threaded build); undefined for other backends. */
  threads?: number;
}

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /**
   * The backend to use; a forced choice that cannot load throws `BackendUnavailableError`.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * Where the one JSON line announcing the chosen backend goes.
   * @default a line on process.stderr
   */
  log?: (line: string) => void;
  /**
   * Threads of the wasm backend (1 to 8; ignored by the other backends, which size their own pools): above 1,
   * tfjs-backend-wasm's threaded-SIMD build runs with that many. A process that has the machine to itself
   * can take `defaultTrainingThreads()`; where several share it, 1 each.
   * @default 1
   */
  threads?: number;
}
