/** A translation config that cannot work; `field` names the offending option. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Training stopped through its AbortSignal; the last checkpoint is at `step` in `modelDir`. */
export class TrainingCancelledError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  constructor(
    readonly modelDir: string,
    readonly step: number,
    options?: { cause?: unknown },
  ) {
    super(`Training was cancelled at step ${step}; the checkpoint in ${modelDir} keeps that state.`, options);
  }
}

/** A model folder that is missing, incomplete or of an unknown format. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly modelDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot load the model in ${modelDir}: ${reason}.`, options);
  }
}

/** VGG-19 weights that are present but unreadable or of the wrong shape. */
export class VggWeightsError extends Error {
  override readonly name = 'VggWeightsError';
  constructor(
    readonly vggDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot use the VGG-19 weights in ${vggDir}: ${reason}.`, options);
  }
}

/** An input tensor whose shape the model cannot take. */
export class InputShapeError extends Error {
  override readonly name = 'InputShapeError';
  constructor(
    readonly expected: number[],
    readonly actual: number[],
  ) {
    super(`The model takes images of shape [n, ${expected.slice(1).join(', ')}] in [-1, 1], got [${actual.join(', ')}].`);
  }
}
