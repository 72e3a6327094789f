/** A regressor option is out of range; the message names the option. */
export class RegressorConfigError extends Error {
  override readonly name = 'RegressorConfigError';
  constructor(
    message: string,
    readonly option: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A checkpoint folder could not be written or read. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A batch (or a sample in it) cannot be used for training: bad image, missing or short label. */
export class BadSampleError extends Error {
  override readonly name = 'BadSampleError';
  constructor(
    message: string,
    readonly sampleId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
