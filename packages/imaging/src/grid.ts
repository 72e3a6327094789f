import { ImageShapeError } from './errors.js';
import { channelsOf, type AnyImage, type RgbImage } from './image.js';

/** Layout of a sample grid. */
export interface GridOptions {
  /** Width and height of every cell; cells are stretched to it (nearest neighbour, so pixels stay crisp). @default the largest width or height among the cells */
  cellSize?: number;
  /** Pixels between cells and around the border. @default 2 */
  gap?: number;
  /** Grey level (0–255) of the gaps and of empty cells in short rows. @default 255 */
  background?: number;
}

/**
 * Lays images out in rows (e.g. one row each for input | G0 | attention | output, or one column each) as one RGB
 * image. Grey images (attention masks) are expanded to RGB. Synchronous, so trainers can build grids inline.
 */
export function makeGrid(rows: readonly (readonly AnyImage[])[], options: GridOptions = {}): RgbImage {
  const cells = rows.flat();
  if (cells.length === 0) throw new ImageShapeError('makeGrid needs at least one image.');
  const cell = options.cellSize ?? Math.max(...cells.map((c) => Math.max(c.width, c.height)));
  const gap = options.gap ?? 2;
  const background = options.background ?? 255;
  if (!Number.isInteger(cell) || cell < 1) throw new ImageShapeError(`cellSize must be a positive integer, got ${cell}.`);
  if (!Number.isInteger(gap) || gap < 0) throw new ImageShapeError(`gap must be a non-negative integer, got ${gap}.`);
  const columns = Math.max(...rows.map((r) => r.length));
  const width = gap + columns * (cell + gap);
  const height = gap + rows.length * (cell + gap);
  const data = new Uint8Array(width * height * 3).fill(background);
  rows.forEach((row, r) => {
    row.forEach((image, c) => blit(image, data, width, gap + c * (cell + gap), gap + r * (cell + gap), cell));
  });
  return { width, height, data };
}

/** Draws `image` stretched to cell × cell at (left, top) of an RGB canvas `width` pixels wide. */
function blit(image: AnyImage, canvas: Uint8Array, width: number, left: number, top: number, cell: number): void {
  const channels = channelsOf(image);
  for (let y = 0; y < cell; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / cell));
    for (let x = 0; x < cell; x++) {
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / cell));
      const src = (sy * image.width + sx) * channels;
      const dst = ((top + y) * width + left + x) * 3;
      for (let k = 0; k < 3; k++) canvas[dst + k] = image.data[src + (channels === 3 ? k : 0)]!;
    }
  }
}
