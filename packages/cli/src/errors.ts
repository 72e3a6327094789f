/** Bad command-line input: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage was wrong (for the `--help` hint). */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A command that ran but could not finish all of its work (e.g. skipped files): exit code 1. */
export class PartialFailureError extends Error {
  override readonly name = 'PartialFailureError';
}
