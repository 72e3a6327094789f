/** The engine asked for cannot run this model version (no current ONNX export, or the runtime does not load). */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  constructor(
    readonly engine: string,
    readonly modelDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The ${engine} engine cannot run ${modelDir}: ${reason}`, options);
  }
}

/** An inference run failed inside the engine (the message says where). */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An engine option that cannot work; `field` names it. */
export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
