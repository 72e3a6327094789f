import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage } from './decode.js';
import { ImageDecodeError, ImageShapeError, describeCause } from './errors.js';
import { listImageFiles } from './files.js';
import { PackedImageSet, type ImageSet } from './image-set.js';
import { resizeImage } from './resize.js';

/** A file left out of a loaded folder, and why. */
export interface SkippedFile {
  /** Path relative to the folder. */
  file: string;
  /** One sentence naming the file. */
  reason: string;
}

/** Progress of loadImageFolder, reported after each file. */
export interface LoadProgress {
  done: number;
  total: number;
  /** The file just handled (relative path). */
  file: string;
}

export interface LoadImageFolderOptions {
  /** Every image is stretched to size × size. */
  size: number;
  /** @default 16_777_216 (see ImageDecodeOptions) */
  maxPixels?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * When set, a file whose real path (after symbolic links) is not under this folder is skipped, without saying
   * where it points. @default undefined (links are followed anywhere)
   */
  within?: string;
}

export interface LoadedImageFolder {
  /** The images that loaded, in the order of `files`. */
  images: ImageSet;
  /** Relative paths of the loaded images (sorted), index i ↔ image i. */
  files: string[];
  skipped: SkippedFile[];
}

/** Whether the real path of `file` lies under `root` (itself a real path). */
async function isWithin(file: string, root: string): Promise<boolean> {
  const relative = path.relative(root, await realpath(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Loads every PNG/JPEG under `dir` (recursively) into an ImageSet at size × size. A file that cannot be read or
 * decoded is skipped with its reason instead of failing the whole folder.
 * @throws the signal's reason when aborted; a filesystem error when `dir` itself cannot be listed
 */
export async function loadImageFolder(dir: string, options: LoadImageFolderOptions): Promise<LoadedImageFolder> {
  const { size, maxPixels, signal, onProgress, within } = options;
  if (!Number.isInteger(size) || size < 1) throw new ImageShapeError(`Image size must be a positive integer, got ${size}.`);
  signal?.throwIfAborted();
  const candidates = await listImageFiles(dir);
  const stride = size * size * 3;
  const data = new Uint8Array(candidates.length * stride);
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const [done, file] of candidates.entries()) {
    signal?.throwIfAborted();
    try {
      if (within !== undefined && !(await isWithin(path.join(dir, file), within))) {
        skipped.push({ file, reason: `${file}: a link out of the allowed folder, skipped.` });
        onProgress?.({ done: done + 1, total: candidates.length, file });
        continue;
      }
      const bytes = await readFile(path.join(dir, file), { signal });
      const image = await resizeImage(await decodeImage(bytes, { name: file, maxPixels }), size, size);
      data.set(image.data, files.length * stride);
      files.push(file);
    } catch (error) {
      signal?.throwIfAborted();
      const reason = error instanceof ImageDecodeError ? error.message : `${file}: unreadable (${describeCause(error)}).`;
      skipped.push({ file, reason });
    }
    onProgress?.({ done: done + 1, total: candidates.length, file });
  }
  const used = files.length === candidates.length ? data : data.slice(0, files.length * stride);
  const images = new PackedImageSet(used, size);
  return { images, files, skipped };
}
