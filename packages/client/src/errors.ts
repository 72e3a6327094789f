import { status, type ServiceError } from '@grpc/grpc-js';
import { statusDetailsOf, type FieldViolation, type ResourceInfo } from '@sim2real/contracts';

/** Options of the client that cannot work (e.g. a client certificate without its key); `field` names the option. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A call that ended with a gRPC status other than OK. `message` is the server's sentence (`details`); the
 * google.rpc.Status details the server sent (BadRequest field violations, ResourceInfo) are decoded.
 */
export class TranslatorCallError extends Error {
  override readonly name = 'TranslatorCallError';
  /** The gRPC status code (`status.NOT_FOUND`, ...). */
  readonly code: status;
  /** The status details as the server sent them. */
  readonly details: string;
  /** The RPC, e.g. `Translate`. */
  readonly method: string;
  /** Which request fields (`images[2]`, `source_uri`) were bad, with why; empty when the server named none. */
  readonly fieldViolations: readonly FieldViolation[];
  /** The model or job the call was about, on NOT_FOUND. */
  readonly resourceInfo: ResourceInfo | undefined;
  /** Attempts made (more than 1 after retries on UNAVAILABLE). */
  readonly attempts: number;

  constructor(
    fields: { code: status; details: string; method: string; fieldViolations: readonly FieldViolation[]; resourceInfo: ResourceInfo | undefined; attempts: number },
    options?: { cause?: unknown },
  ) {
    super(fields.details || `${fields.method} failed with ${status[fields.code]}.`, options);
    this.code = fields.code;
    this.details = fields.details;
    this.method = fields.method;
    this.fieldViolations = fields.fieldViolations;
    this.resourceInfo = fields.resourceInfo;
    this.attempts = fields.attempts;
  }

  /** The status code's name, e.g. `INVALID_ARGUMENT`. */
  get codeName(): string {
    return status[this.code] ?? String(this.code);
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error;
}

/** A grpc-js error as TranslatorCallError with the server's google.rpc.Status details; other errors as they are. */
export function callError(error: unknown, method: string, attempts: number, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return asError(signal.reason);
  if (!isServiceError(error)) return asError(error);
  const rich = statusDetailsOf(error.metadata);
  return new TranslatorCallError(
    { code: error.code, details: error.details, method, fieldViolations: rich?.fieldViolations ?? [], resourceInfo: rich?.resourceInfo, attempts },
    { cause: error },
  );
}

/** `value` as it is when it is an Error, else an Error of its text. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
