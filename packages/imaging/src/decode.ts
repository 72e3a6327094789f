import { ImageDecodeError, ImageShapeError, describeCause } from './errors.js';
import { asUint8Array, type RgbImage } from './image.js';
import { sharp } from './sharp.js';

/** Limits applied to untrusted encoded images. */
export interface ImageDecodeOptions {
  /**
   * Largest accepted pixel count (width × height), checked from the header before any pixel is decoded and
   * passed to libvips as `limitInputPixels`.
   * @default 16_777_216 (4096 × 4096)
   */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 16_777_216;
const DEFAULT_SOURCE = 'image';

function resolveMaxPixels(maxPixels: number | undefined): number {
  const value = maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ImageShapeError(`maxPixels must be a positive integer, got ${String(maxPixels)}.`);
  }
  return value;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** Container format from the magic bytes, or what else the bytes look like (for the error sentence). */
function sniff(bytes: Uint8Array): { format: 'png' | 'jpeg' } | { other: string } {
  if (startsWith(bytes, PNG_SIGNATURE)) return { format: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { format: 'jpeg' };
  const head = ascii(bytes, 0, 16);
  if (head.startsWith('GIF8')) return { other: 'looks like GIF' };
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return { other: 'looks like TIFF' };
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return { other: 'looks like WebP' };
  if (head.startsWith('BM')) return { other: 'looks like BMP' };
  if (head.slice(4, 8) === 'ftyp') return { other: 'looks like HEIF/AVIF' };
  if (head.startsWith('%PDF')) return { other: 'looks like PDF' };
  if (head.startsWith('\x00\x00\x00\x0cjP')) return { other: 'looks like JPEG 2000' };
  if (/^\s*</.test(head)) return { other: 'looks like SVG or other markup' };
  return { other: 'unrecognised signature' };
}

/**
 * Decodes an untrusted PNG or JPEG into 8-bit RGB.
 *
 * Grey images are expanded to RGB; an alpha channel is flattened onto black (alpha read as coverage over an
 * empty background, which matches the black backgrounds of digit and render datasets). 16-bit images are
 * reduced to 8 bits. The stored pixel order is kept (EXIF orientation is not applied), so label geometry that
 * refers to the stored pixels stays valid.
 *
 * @param options.name file name or source label used in the error sentence
 * @throws ImageDecodeError on empty, unrecognised, blocked-format, corrupt or truncated data (libvips
 *   `failOn: 'warning'`), zero dimensions, or a pixel count over `maxPixels`
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: ImageDecodeOptions & { name?: string } = {},
): Promise<RgbImage> {
  const source = options.name ?? DEFAULT_SOURCE;
  const maxPixels = resolveMaxPixels(options.maxPixels);
  if (bytes.length === 0) throw new ImageDecodeError(source, 'empty data, not a PNG or JPEG image');
  const sniffed = sniff(bytes);
  if ('other' in sniffed) throw new ImageDecodeError(source, `not a PNG or JPEG image (${sniffed.other})`);
  const label = sniffed.format === 'png' ? 'PNG' : 'JPEG';
  const sharpOptions = { failOn: 'warning', limitInputPixels: maxPixels, autoOrient: false } as const;

  let width: number;
  let height: number;
  try {
    // Header only: the size check below gives a clearer sentence than libvips' own limit error.
    const meta = await sharp(bytes, { ...sharpOptions, limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.height;
  } catch (error) {
    throw new ImageDecodeError(source, `corrupt ${label} header (${describeCause(error)})`, { cause: error });
  }
  if (!(width >= 1 && height >= 1)) {
    throw new ImageDecodeError(source, `${label} has zero size (${width}×${height})`);
  }
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      source,
      `${label} of ${width}×${height} has ${width * height} pixels, over the limit of ${maxPixels}`,
    );
  }

  try {
    const { data, info } = await sharp(bytes, sharpOptions)
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== width || info.height !== height) {
      throw new Error(`decoder produced ${info.width}×${info.height}×${info.channels} instead of ${width}×${height}×3`);
    }
    return { width, height, data: asUint8Array(data) };
  } catch (error) {
    throw new ImageDecodeError(source, `undecodable ${label} data (${describeCause(error)})`, { cause: error });
  }
}

/**
 * Wraps raw RGB8 pixels (e.g. `ENCODING_RAW_RGB8` in the gRPC contract), checking the length and the size.
 * @throws ImageDecodeError when the size is not positive, over `maxPixels`, or the length is not `width × height × 3`
 */
export function decodeRawRgb(
  bytes: Uint8Array,
  width: number,
  height: number,
  options: ImageDecodeOptions & { name?: string } = {},
): RgbImage {
  const source = options.name ?? DEFAULT_SOURCE;
  const maxPixels = resolveMaxPixels(options.maxPixels);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageDecodeError(source, `raw RGB size must be positive integers, got ${width}×${height}`);
  }
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      source,
      `raw RGB of ${width}×${height} has ${width * height} pixels, over the limit of ${maxPixels}`,
    );
  }
  const expected = width * height * 3;
  if (bytes.length !== expected) {
    throw new ImageDecodeError(
      source,
      `raw RGB data has ${bytes.length} bytes but ${width}×${height}×3 needs ${expected}`,
    );
  }
  return { width, height, data: asUint8Array(bytes) };
}
