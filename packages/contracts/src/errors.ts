/** Bytes that are not a valid `LabelledBatch` (or a batch whose shape does not fit the operation). */
export class BatchCodecError extends Error {
  override readonly name = 'BatchCodecError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
