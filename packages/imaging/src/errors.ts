/** Why bytes could not become an image: one sentence naming the file or source. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  /** The file name or source label the bytes came from (e.g. `photos/x.png`, `request r1 image 2`). */
  readonly source: string;
  /** What is wrong, without the source (e.g. `not a PNG or JPEG image (looks like GIF)`). */
  readonly reason: string;

  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super(`${source}: ${reason}.`, options);
    this.source = source;
    this.reason = reason;
  }
}

/** An image object or tensor whose shape does not fit the operation (a caller's bug, not bad input data). */
export class ImageShapeError extends Error {
  override readonly name = 'ImageShapeError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An underlying error's message on one line, without trailing punctuation, for use inside one sentence. */
export function describeCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const parts = text.replace(/\.\s+/g, '\n').split('\n').map((s) => s.trim().replace(/[.:;\s]+$/, '')).filter((s) => s.length > 0);
  return parts.length > 0 ? parts.join('; ') : 'unknown error';
}
