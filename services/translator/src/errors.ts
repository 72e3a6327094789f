import { Metadata, status } from '@grpc/grpc-js';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from '@sim2real/contracts';
import type { FieldViolation, ResourceInfo } from '@sim2real/contracts';
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
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options);
    this.field = options?.field ?? (imageIndex === undefined ? undefined : `images[${imageIndex}]`);
  }

  /** Path of the offending request field (`images[2]`, `source_uri`, `config.overrides.wings`), when one is. */
  readonly field: string | undefined;
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

/** A gRPC status code, its one-sentence details and the trailers (a google.rpc.Status with typed details). */
export interface GrpcStatus {
  code: status;
  details: string;
  metadata?: Metadata;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'unknown error';
}

function withDetails(code: status, details: string, extra: { fieldViolations?: FieldViolation[]; resourceInfo?: ResourceInfo } = {}): GrpcStatus {
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeStatusDetails({ code, message: details, ...extra }));
  return { code, details, metadata };
}

function fieldOf(error: Error): string | undefined {
  if (error instanceof InvalidRequestError) return error.field;
  if (error instanceof TranslationConfigError) return `config.${error.field}`;
  return undefined;
}

/**
 * The one place where errors become gRPC statuses (grpc-js `serverErrorToStatus` style). The trailers carry the
 * same code and sentence as a google.rpc.Status, with a BadRequest field violation naming the offending image or
 * field on INVALID_ARGUMENT, and a ResourceInfo naming the unknown model or job on NOT_FOUND.
 */
export function toGrpcStatus(error: unknown): GrpcStatus {
  const details = firstLine(error);
  if (error instanceof InvalidRequestError || error instanceof ImageDecodeError || error instanceof TranslationConfigError) {
    const field = fieldOf(error);
    return withDetails(status.INVALID_ARGUMENT, details, { fieldViolations: field === undefined ? [] : [{ field, description: details }] });
  }
  if (error instanceof ModelNotFoundError) {
    return withDetails(status.NOT_FOUND, details, { resourceInfo: { resourceType: 'sim2real.v1.ModelVersion', resourceName: error.model, description: details } });
  }
  if (error instanceof JobNotFoundError) {
    return withDetails(status.NOT_FOUND, details, { resourceInfo: { resourceType: 'sim2real.v1.TrainingJob', resourceName: error.jobId, description: details } });
  }
  if (error instanceof CapacityError) return withDetails(status.RESOURCE_EXHAUSTED, details);
  if (error instanceof ShuttingDownError) return withDetails(status.UNAVAILABLE, details);
  if (error instanceof ModelLoadError || error instanceof PreconditionError || error instanceof ModelIntegrityError) {
    return withDetails(status.FAILED_PRECONDITION, details);
  }
  if (error instanceof UnauthenticatedError) return withDetails(status.UNAUTHENTICATED, details);
  if (error instanceof PermissionDeniedError) return withDetails(status.PERMISSION_DENIED, details);
  if (error instanceof Error && error.name === 'AbortError') return withDetails(status.CANCELLED, 'The call was cancelled.');
  return withDetails(status.INTERNAL, `Internal error: ${details}`);
}
