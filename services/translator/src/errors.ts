import { status } from '@grpc/grpc-js';
import { ImageDecodeError } from '@sim2real/imaging';
import { ConfigError as TranslationConfigError, ModelLoadError } from '@sim2real/translation';

/** A server option that cannot work; `field` names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A request that can never succeed as sent (bad image, missing field, unknown encoding). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    message: string,
    /** Index of the offending image within the request, when one image is at fault. */
    readonly imageIndex?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No model (or no such version) in the registry. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
  constructor(
    /** The reference as asked (`name`, `name@version`, empty for the default). */
    readonly model: string,
    message: string,
  ) {
    super(message);
  }
}

/** No training job with this id (never started, or forgotten after `maxFinishedJobs`). */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`No training job "${jobId}" is known to this server.`);
  }
}

/** A limit was reached; the same call may succeed later or with less. */
export class CapacityError extends Error {
  override readonly name = 'CapacityError';
  constructor(
    /** The config field of the limit, e.g. `maxQueuedImages`. */
    readonly limit: string,
    message: string,
  ) {
    super(message);
  }
}

/** The server is shutting down and takes no new work. */
export class ShuttingDownError extends Error {
  override readonly name = 'ShuttingDownError';
  constructor() {
    super('The translator is shutting down; retry on another instance.');
  }
}

/** A training job that ended in failure (surfaced in its events and TrainingJob.error). */
export class TrainingJobError extends Error {
  override readonly name = 'TrainingJobError';
  constructor(
    readonly jobId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The call carries no token, or one the server does not know (which of the two is never said). */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
  constructor() {
    super('This call needs a valid token: send "authorization: Bearer <token>".');
  }
}

/** The caller is known but its roles do not allow the call (or the job is another caller's). */
export class PermissionDeniedError extends Error {
  override readonly name = 'PermissionDeniedError';
  constructor(
    /** What was refused, e.g. the method name; said in the message, the caller's roles are not. */
    readonly action: string,
  ) {
    super(`The caller may not ${action}.`);
  }
}

/** The server is in a state where the call cannot work (remote training off, a corrupt model version, an alias in the way). */
export class PreconditionError extends Error {
  override readonly name = 'PreconditionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A file of a model version does not match the SHA-256 its manifest records (or is missing). */
export class ModelIntegrityError extends Error {
  override readonly name = 'ModelIntegrityError';
  constructor(
    /** `name@version` */
    readonly model: string,
    /** Path of the file within the version folder. */
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A gRPC status code and its one-sentence details. */
export interface GrpcStatus {
  code: status;
  details: string;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/** The one place where errors become gRPC statuses (grpc-js `serverErrorToStatus` style). */
export function toGrpcStatus(error: unknown): GrpcStatus {
  const details = firstLine(error);
  if (error instanceof InvalidRequestError || error instanceof ImageDecodeError || error instanceof TranslationConfigError) {
    return { code: status.INVALID_ARGUMENT, details };
  }
  if (error instanceof ModelNotFoundError || error instanceof JobNotFoundError) return { code: status.NOT_FOUND, details };
  if (error instanceof CapacityError) return { code: status.RESOURCE_EXHAUSTED, details };
  if (error instanceof ShuttingDownError) return { code: status.UNAVAILABLE, details };
  if (error instanceof ModelLoadError || error instanceof PreconditionError || error instanceof ModelIntegrityError) {
    return { code: status.FAILED_PRECONDITION, details };
  }
  if (error instanceof UnauthenticatedError) return { code: status.UNAUTHENTICATED, details };
  if (error instanceof PermissionDeniedError) return { code: status.PERMISSION_DENIED, details };
  if (error instanceof Error && error.name === 'AbortError') return { code: status.CANCELLED, details: 'The call was cancelled.' };
  return { code: status.INTERNAL, details: `Internal error: ${details}` };
}
