import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;

/** Whether a file name has a PNG or JPEG extension (case-insensitive). */
export function isImageFileName(name: string): boolean {
  return IMAGE_EXTENSION.test(name);
}

/**
 * Relative paths (with `/` separators) of every *.png, *.jpg and *.jpeg under `dir`, recursively, sorted by code
 * unit so the order is the same on every machine. Names starting with `.` are skipped (macOS `._x.png` forks,
 * `.git`); symbolic links to files are followed, to directories not (no cycles).
 */
export async function listImageFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (isImageFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(dir, child)))))) {
        found.push(child);
      }
    }
  };
  await walk('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
