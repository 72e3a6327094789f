import type { BackendChoice } from './types.js';

/** A forced TensorFlow.js backend could not be loaded or initialised. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  /** The backend that was asked for. */
  readonly backend: BackendChoice;
  /** The npm package that provides it. */
  readonly package: string;
  /** Why it could not be used (one line). */
  readonly reason: string;

  constructor(backend: BackendChoice, pkg: string, reason: string, options?: { cause?: unknown }) {
    super(`TensorFlow.js backend '${backend}' (${pkg}) could not be loaded: ${reason}`, options);
    this.backend = backend;
    this.package = pkg;
    this.reason = reason;
  }
}

/** An operation was called with arguments this package does not support (e.g. dilations on a filter gradient). */
export class UnsupportedOperationError extends Error {
  override readonly name = 'UnsupportedOperationError';
  /** The operation or kernel name. */
  readonly operation: string;
  /** What is not supported (one line). */
  readonly reason: string;

  constructor(operation: string, reason: string, options?: { cause?: unknown }) {
    super(`${operation}: ${reason}`, options);
    this.operation = operation;
    this.reason = reason;
  }
}
