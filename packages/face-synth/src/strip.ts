import { makeGrid, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { loadBackgrounds } from './backgrounds.js';
import type { FaceSample } from './dataset.js';
import { renderFace } from './render.js';

/** Faces shown in a comparison strip, at most. */
const STRIP_ROWS = 6;

/**
 * A comparison strip of the first six faces, one row each: sim render | translated | attention | the real-style
 * render of the same face (backgrounds from `photosDir`), in cells of at least 64 px.
 */
export async function faceStrip(
  sim: readonly FaceSample[],
  translated: { readonly output: readonly RgbImage[]; readonly attention: readonly GreyImage[] },
  options: { readonly photosDir: string; readonly size: number },
): Promise<RgbImage> {
  const backgrounds = await loadBackgrounds(options.photosDir);
  const rows: (RgbImage | GreyImage)[][] = [];
  for (let i = 0; i < Math.min(STRIP_ROWS, sim.length); i++) {
    const face = sim[i]!;
    const twin = await renderFace({ ...face.params, style: 'real', size: options.size, seed: face.params.seed, backgrounds });
    rows.push([face.image, translated.output[i]!, translated.attention[i]!, twin.image]);
  }
  return makeGrid(rows, { cellSize: Math.max(64, options.size), gap: 2 });
}
