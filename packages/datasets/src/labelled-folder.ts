import { createReadStream } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { isImageFileName } from '@sim2real/imaging';
import { LabelledFolderError } from './errors.js';

/** A sample's label, shaped like the `Label` oneof of the contract (`sim2real.v1.Label`). */
export type SampleLabel =
  | { kind: 'vector'; values: number[] }
  | { kind: 'classIndex'; value: number }
  | { kind: 'opaque'; bytes: Uint8Array };

/** One image of a labelled folder; the image bytes are read by the caller from `file`. */
export interface LabelledSample {
  /** Path relative to the folder, `/`-separated: the sample id. */
  id: string;
  /** Absolute (or `dir`-relative, as `dir` was given) path of the image file. */
  file: string;
  label: SampleLabel;
  /** The class sub-folder name, in sub-folder mode. */
  className?: string;
}

export interface ReadLabelledFolderOptions {
  /**
   * Name of the labels file inside the folder; when it exists, labels come from it, otherwise from class
   * sub-folders.
   * @default 'labels.jsonl'
   */
  labelsFile?: string;
  signal?: AbortSignal;
  /**
   * A folder the labels file must lie in after symlinks (a server's training root): a labels file linked from
   * outside it is refused before it is opened. @default no check
   */
  within?: string;
}

const DEFAULT_LABELS_FILE = 'labels.jsonl';

/**
 * Reads a labelled image folder lazily (one directory or one line at a time, so huge folders are fine), in one
 * of two layouts:
 *
 * - `labels.jsonl`: one `{"file": "relative/path.png", "label": L}` per line, where L is a number (class
 *   index, a non-negative integer), a number[] (float vector, e.g. 3DMM coefficients) or a string (opaque
 *   bytes, UTF-8). Samples come in file order; every file must exist and appear once.
 * - class sub-folders: every PNG/JPEG under `dir/<class>/` (recursively) gets the class index of `<class>` in
 *   the sorted list of sub-folder names (numeric order when all names are integers, so `2` comes before
 *   `10`). Images directly in `dir` are an error: they have no class.
 *
 * Names starting with `.` are ignored. Problems are `LabelledFolderError`s with one sentence naming the file
 * and line, thrown while iterating.
 */
export async function* readLabelledFolder(
  dir: string,
  options: ReadLabelledFolderOptions = {},
): AsyncGenerator<LabelledSample, void, undefined> {
  const labelsFile = options.labelsFile ?? DEFAULT_LABELS_FILE;
  if (await exists(path.join(dir, labelsFile))) {
    if (options.within !== undefined && !(await liesWithin(path.join(dir, labelsFile), options.within))) {
      throw new LabelledFolderError(`${dir}: ${labelsFile} links to a file outside the folders this may read.`, { dir, file: labelsFile });
    }
    yield* readLabelsFile(dir, labelsFile, options.signal);
  }
  else yield* readClassFolders(dir, labelsFile, options.signal);
}

/** Whether `file`, after symlinks, lies under `root` (itself resolved). */
async function liesWithin(file: string, root: string): Promise<boolean> {
  const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  const relative = path.relative(realRoot, real);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function* readLabelsFile(dir: string, labelsFile: string, signal: AbortSignal | undefined): AsyncGenerator<LabelledSample> {
  const seen = new Set<string>();
  const lines = createInterface({ input: createReadStream(path.join(dir, labelsFile), { signal }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      signal?.throwIfAborted();
      if (text.trim() === '') continue;
      const fail = (problem: string, file?: string): LabelledFolderError =>
        new LabelledFolderError(`${path.join(dir, labelsFile)} line ${line}: ${problem}.`, { dir, file, line });
      let entry: unknown;
      try {
        entry = JSON.parse(text);
      } catch {
        throw fail('not valid JSON (expected an object with "file" and "label")');
      }
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail('not a JSON object with "file" and "label"');
      const { file, label } = entry as { file?: unknown; label?: unknown };
      const id = checkRelativeImagePath(file, fail);
      if (seen.has(id)) throw fail(`"${id}" is listed twice`, id);
      seen.add(id);
      const parsed = parseLabel(label);
      if (typeof parsed === 'string') throw fail(parsed, id);
      const absolute = path.join(dir, id);
      if (!(await isFile(absolute))) throw fail(`"${id}" does not exist in the folder`, id);
      yield { id, file: absolute, label: parsed };
    }
  } finally {
    lines.close();
  }
}

/** The normalised `/`-separated path, or throws when it is not a relative PNG/JPEG path inside the folder. */
function checkRelativeImagePath(file: unknown, fail: (problem: string) => Error): string {
  if (typeof file !== 'string' || file === '') throw fail('"file" must be a non-empty string');
  const normalised = path.posix.normalize(file.replaceAll('\\', '/'));
  if (path.posix.isAbsolute(normalised) || normalised === '..' || normalised.startsWith('../')) {
    throw fail(`"file" must be a path inside the folder, got "${file}"`);
  }
  if (!isImageFileName(normalised)) throw fail(`"file" must name a .png, .jpg or .jpeg image, got "${file}"`);
  return normalised;
}

/** The label, or a description of what is wrong with it. */
function parseLabel(label: unknown): SampleLabel | string {
  if (typeof label === 'number') {
    return Number.isSafeInteger(label) && label >= 0
      ? { kind: 'classIndex', value: label }
      : `a number "label" is a class index and must be a non-negative integer, got ${label}`;
  }
  if (Array.isArray(label)) {
    if (label.length === 0) return 'a vector "label" must not be empty';
    const bad = label.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    return bad === -1
      ? { kind: 'vector', values: label as number[] }
      : `a vector "label" must hold finite numbers only, element ${bad} is ${JSON.stringify(label[bad])}`;
  }
  if (typeof label === 'string') return { kind: 'opaque', bytes: new TextEncoder().encode(label) };
  return `"label" must be a class index (number), a vector (number[]) or opaque (string), got ${label === undefined ? 'nothing' : JSON.stringify(label)}`;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted class names: numeric order when every name is an integer, code-unit order otherwise. */
function sortClassNames(names: string[]): string[] {
  const numeric = names.every((n) => /^\d+$/.test(n));
  return names.sort(numeric ? (a, b) => Number(a) - Number(b) || byName(a, b) : byName);
}

async function* readClassFolders(dir: string, labelsFile: string, signal: AbortSignal | undefined): AsyncGenerator<LabelledSample> {
  let listed;
  try {
    listed = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new LabelledFolderError(`${dir} cannot be read as a folder (${code}).`, { dir }, { cause: error });
  }
  const entries = listed.filter((e) => !e.name.startsWith('.'));
  const stray = entries.filter((e) => !e.isDirectory() && isImageFileName(e.name)).map((e) => e.name).sort(byName);
  if (stray[0] !== undefined) {
    throw new LabelledFolderError(
      `${path.join(dir, stray[0])} has no label: put images in class sub-folders or list them in ${labelsFile}.`,
      { dir, file: stray[0] },
    );
  }
  const classNames = sortClassNames(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  if (classNames.length === 0) {
    throw new LabelledFolderError(`${dir} has neither ${labelsFile} nor class sub-folders.`, { dir });
  }
  for (const [value, className] of classNames.entries()) {
    for await (const id of walkImages(dir, className, signal)) {
      yield { id, file: path.join(dir, id), label: { kind: 'classIndex', value }, className };
    }
  }
}

/** Image paths (relative to `root`) under `root/relative`, one directory read at a time, sorted per directory. */
async function* walkImages(root: string, relative: string, signal: AbortSignal | undefined): AsyncGenerator<string> {
  signal?.throwIfAborted();
  const entries = (await readdir(path.join(root, relative), { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walkImages(root, child, signal);
    else if (isImageFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(root, child)))))) {
      signal?.throwIfAborted();
      yield child;
    }
  }
}
