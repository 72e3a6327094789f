/** A face-synth option is out of range or inconsistent; the message names the option. */
export class FaceSynthConfigError extends Error {
  override readonly name = 'FaceSynthConfigError';
  constructor(
    message: string,
    /** The offending option. */
    readonly option: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The photo folder for `real`-style backgrounds is missing, empty or unreadable. */
export class BackgroundsError extends Error {
  override readonly name = 'BackgroundsError';
  constructor(
    message: string,
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
