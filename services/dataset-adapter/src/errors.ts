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

/** The translator could not answer now (down, restarting, over capacity, too slow): retry later. */
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

/** The translator refused a request's input (gRPC INVALID_ARGUMENT). */
export class TranslationRefusedError extends Error {
  override readonly name = 'TranslationRefusedError';
  constructor(
    /** The translator's sentence. */
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`The translator refused the images: ${details}`, options);
  }
}

/** A batch that does not fit in one NATS message even alone (one sample over `max_payload`). */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    message: string,
    readonly sizeBytes: number,
    readonly maxPayloadBytes: number,
  ) {
    super(message);
  }
}

/** No `nats-server` binary to start a local server with. */
export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor(
    /** The folders searched (or the one path given). */
    readonly searched: readonly string[],
  ) {
    super(`nats-server was not found (looked in ${searched.join(', ')}): install it with "apt-get install -y nats-server" or point NATS_SERVER_BIN at it.`);
  }
}

/** A local nats-server that would not start. */
export class NatsServerError extends Error {
  override readonly name = 'NatsServerError';
}
