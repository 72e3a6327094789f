import { decodeImage, encodePng, heatOverlay } from '@sim2real/imaging';
import type { RgbImage } from '@sim2real/imaging';

/** Rows of a trainer sample grid, top to bottom (translation's renderSampleGrid). */
const GRID_ROWS = 4;
/** Pixels between cells and around the border of a sample grid (makeGrid's default). */
const GRID_GAP = 2;

/** One source image of a sample grid, as PNG tiles. */
export interface SampleTiles {
  input: Uint8Array;
  initial: Uint8Array;
  /** The attention mask as a heat overlay on the input. */
  overlay: Uint8Array;
  output: Uint8Array;
  /** Mean of the attention mask, 0–1 (1 = every pixel taken from G0's output). */
  meanAttention: number;
}

function crop(grid: RgbImage, left: number, top: number, cell: number): RgbImage {
  const data = new Uint8Array(cell * cell * 3);
  for (let y = 0; y < cell; y++) {
    const from = ((top + y) * grid.width + left) * 3;
    data.set(grid.data.subarray(from, from + cell * 3), y * cell * 3);
  }
  return { width: cell, height: cell, data };
}

/**
 * Splits a trainer sample grid (rows input | G0 | attention | output, one column per source image, square cells
 * with 2-pixel gaps) into per-image tiles, drawing the attention row as a heat overlay on the input.
 * Returns undefined when the PNG does not have that layout.
 */
export async function splitSampleGrid(png: Uint8Array): Promise<SampleTiles[] | undefined> {
  const grid = await decodeImage(png, { name: 'sample grid' });
  const cell = (grid.height - GRID_GAP) / GRID_ROWS - GRID_GAP;
  const columns = (grid.width - GRID_GAP) / (cell + GRID_GAP);
  if (!Number.isInteger(cell) || cell < 1 || !Number.isInteger(columns) || columns < 1) return undefined;
  const tiles: SampleTiles[] = [];
  for (let c = 0; c < columns; c++) {
    const [input, initial, mask, output] = Array.from({ length: GRID_ROWS }, (_, r) =>
      crop(grid, GRID_GAP + c * (cell + GRID_GAP), GRID_GAP + r * (cell + GRID_GAP), cell),
    ) as [RgbImage, RgbImage, RgbImage, RgbImage];
    let sum = 0;
    for (let p = 0; p < cell * cell; p++) sum += mask.data[p * 3]!;
    tiles.push({
      input: await encodePng(input),
      initial: await encodePng(initial),
      overlay: await encodePng(heatOverlay(input, mask)),
      output: await encodePng(output),
      meanAttention: sum / (cell * cell * 255),
    });
  }
  return tiles;
}
