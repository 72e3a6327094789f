import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { channelsOf, type AnyImage } from './image.js';

/**
 * Process-wide hardening of libvips, applied once when this package is first imported: every image loader is
 * blocked except PNG and JPEG. Recent libvips CVEs sat in loaders we never need (GIF, TIFF, SVG via librsvg,
 * the native .vips format, HEIF, PDF, Magick, ...), so an allowlist is safer than naming each one; blocking the
 * base class `VipsForeignLoad` blocks all its subclasses. Savers (encoding) and raw-pixel input are unaffected.
 */
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({
  operation: [
    'VipsForeignLoadPngBuffer',
    'VipsForeignLoadPngFile',
    'VipsForeignLoadPngSource',
    'VipsForeignLoadJpegBuffer',
    'VipsForeignLoadJpegFile',
    'VipsForeignLoadJpegSource',
  ],
});

export { sharp };

/** A sharp pipeline reading an RGB or grey image's raw pixels; grey stays one channel on output. */
export function rawInput(image: AnyImage): Sharp {
  const channels = channelsOf(image);
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels } });
  return channels === 1 ? pipeline.toColourspace('b-w') : pipeline;
}
