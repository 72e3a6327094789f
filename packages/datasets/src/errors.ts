/** A labelled folder that cannot be read as one: missing labels, a bad labels.jsonl line, a stray image. */
export class LabelledFolderError extends Error {
  override readonly name = 'LabelledFolderError';
  /** The folder being read. */
  readonly dir: string;
  /** The offending file (relative to `dir`), when there is one. */
  readonly file: string | undefined;
  /** 1-based line in the labels file, when the problem is there. */
  readonly line: number | undefined;

  constructor(message: string, fields: { dir: string; file?: string; line?: number }, options?: { cause?: unknown }) {
    super(message, options);
    this.dir = fields.dir;
    this.file = fields.file;
    this.line = fields.line;
  }
}

/** Options of a dataset builder that cannot be satisfied (counts, offsets, sizes, an empty photo folder). */
export class DatasetOptionError extends Error {
  override readonly name = 'DatasetOptionError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
