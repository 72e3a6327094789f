/** A flag given wrongly, or a required one missing; the message is one sentence naming the flag. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
  constructor(
    message: string,
    /** The flag at fault, without dashes; undefined for an unknown flag or a stray argument. */
    readonly flag?: string,
  ) {
    super(message);
  }
}
