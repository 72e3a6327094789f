/** A model folder that cannot be reported on (no training log, unreadable files). */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    /** The model folder. */
    readonly modelDir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
