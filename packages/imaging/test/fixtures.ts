import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../src/index.js';

/** A width × height RGB image whose pixel (x, y) channel k is f(x, y, k). */
export function rgb(width: number, height: number, f: (x: number, y: number, k: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = f(x, y, k);
  return { width, height, data };
}

/** A pseudo-random but fixed pattern (compresses badly, so truncation hits pixel data). */
export function noise(width: number, height: number): RgbImage {
  return rgb(width, height, (x, y, k) => (x * 73 + y * 151 + k * 29 + ((x * y) % 7) * 37) & 255);
}

/** Encodes raw pixels with any number of channels through sharp (for fixtures in formats imaging does not write). */
export function rawSharp(data: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}

function chunk(type: string, body: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG whose IHDR claims width × height (RGB8) followed by a tiny IDAT: a header-only lie. */
export function pngClaiming(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>');

/** Encoded fixtures in formats the decoder must refuse. */
export async function blockedFormats(): Promise<Record<string, Uint8Array>> {
  const image = noise(8, 8);
  const base = () => rawSharp(image.data, 8, 8, 3);
  return {
    GIF: await base().gif().toBuffer(),
    TIFF: await base().tiff().toBuffer(),
    WebP: await base().webp().toBuffer(),
    SVG,
  };
}
