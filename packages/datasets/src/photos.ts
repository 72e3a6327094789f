import { fileURLToPath } from 'node:url';

/** The environment variable that names the photo folder when no flag does. */
export const PHOTOS_DIR_ENV = 'SIM2REAL_PHOTOS_DIR';

/** The shared photo folder beside the repository (`../shared/data/photos`). */
export const DEFAULT_PHOTOS_DIR = fileURLToPath(new URL('../../../../shared/data/photos', import.meta.url));

/** The photos MNIST-M and real-style faces blend over: `given`, then `SIM2REAL_PHOTOS_DIR`, then `DEFAULT_PHOTOS_DIR`. */
export function photosDir(given: string | undefined, env: NodeJS.ProcessEnv): string {
  return given || env[PHOTOS_DIR_ENV] || DEFAULT_PHOTOS_DIR;
}
