/** Adapter options that cannot work. */
export class AdapterConfigError extends Error {
  override readonly name = 'AdapterConfigError';
  constructor(
    message: string,
    /** The option at fault. */
    readonly option: string,
  ) {
    super(message);
  }
}

/** Why a batch was dead-lettered, as a metric attribute. */
export type DeadLetterKind = 'undecodable' | 'invalid' | 'dataset' | 'refused' | 'too_large' | 'max_deliveries';

/** A batch that can never be adapted: it goes to the dead subject with `reason`, then is terminated. */
export class BadBatchError extends Error {
  override readonly name = 'BadBatchError';
  constructor(
    readonly kind: DeadLetterKind,
    /** One sentence, written into the dead-letter reason header. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * The translator could not answer now (down, restarting, over capacity, too slow, the model not loaded): the batch
 * is kept and retried once the circuit breaker lets it through. Never counts toward dead-lettering.
 */
export class TranslatorUnavailableError extends Error {
  override readonly name = 'TranslatorUnavailableError';
  constructor(
    message: string,
    /** The gRPC status code, when there was one. */
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The translator refused a request's input (INVALID_ARGUMENT): the batch can never be adapted as it is. */
export class TranslationRefusedError extends Error {
  override readonly name = 'TranslationRefusedError';
  constructor(
    /** The translator's sentence. */
    readonly details: string,
    /** Index of the failing image within the batch; -1 when no single image is at fault. */
    readonly imageIndex: number,
    options?: { cause?: unknown },
  ) {
    super(`The translator refused the images: ${details}`, options);
  }
}

/** The translator failed on a request for another reason (INTERNAL, UNKNOWN, ...): retried, and counted as a failed delivery. */
export class TranslationFailedError extends Error {
  override readonly name = 'TranslationFailedError';
  constructor(
    message: string,
    readonly code: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
