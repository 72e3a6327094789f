import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, ImageDecodeError, decodeImage, decodeRawRgb, encodeJpeg, encodePng } from '../src/index.js';
import { blockedFormats, noise, pngClaiming, rawSharp, rgb } from './fixtures.js';

/** Asserts an ImageDecodeError whose message is one sentence starting with the source name. */
async function rejectsNaming(promise: Promise<unknown>, source: string, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImageDecodeError, `expected ImageDecodeError, got ${String(error)}`);
    assert.equal(error.name, 'ImageDecodeError');
    assert.equal(error.source, source);
    assert.match(error.reason, reason);
    assert.ok(error.message.startsWith(`${source}: `), error.message);
    assert.match(error.message, /^[^\n]+\.$/, 'one sentence on one line');
    assert.equal((error.message.match(/\.(\s|$)/g) ?? []).length, 1, `one sentence: ${error.message}`);
    return true;
  });
}

void describe('decodeImage', () => {
  void it('decodes PNG exactly', async () => {
    const image = noise(17, 9);
    const decoded = await decodeImage(await encodePng(image), { name: 'a.png' });
    assert.deepEqual(decoded, image);
  });

  void it('decodes JPEG to RGB of the right size and close values', async () => {
    const image = rgb(16, 16, (_x, _y, k) => [200, 100, 50][k]!);
    const decoded = await decodeImage(await encodeJpeg(image, 95));
    assert.equal(decoded.width, 16);
    assert.equal(decoded.height, 16);
    assert.equal(decoded.data.length, 16 * 16 * 3);
    for (let i = 0; i < decoded.data.length; i++) assert.ok(Math.abs(decoded.data[i]! - image.data[i]!) <= 3, `byte ${i}`);
  });

  void it('expands grey to RGB', async () => {
    const grey = Uint8Array.from({ length: 6 * 4 }, (_, i) => i * 10);
    const decoded = await decodeImage(await encodePng({ width: 6, height: 4, data: grey }));
    assert.equal(decoded.data.length, 6 * 4 * 3);
    for (let p = 0; p < grey.length; p++) for (let k = 0; k < 3; k++) assert.equal(decoded.data[p * 3 + k], grey[p]);
  });

  void it('flattens RGBA onto black', async () => {
    const rgba = Uint8Array.from([200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 50, 128, 10, 20, 30, 255]);
    const png = await rawSharp(rgba, 2, 2, 4).png().toBuffer();
    const { data } = await decodeImage(png);
    assert.deepEqual([...data.subarray(0, 6)], [200, 100, 50, 0, 0, 0]);
    const half = [...data.subarray(6, 9)];
    [100, 50, 25].forEach((v, k) => assert.ok(Math.abs(half[k]! - v) <= 1, `half-transparent ${half.join(',')}`));
    assert.deepEqual([...data.subarray(9, 12)], [10, 20, 30]);
  });

  void it('flattens grey + alpha and reduces 16-bit PNG to 8 bits', async () => {
    const greyAlpha = await rawSharp(Uint8Array.from([255, 255, 255, 0]), 2, 1, 2).png().toBuffer();
    assert.deepEqual([...(await decodeImage(greyAlpha)).data], [255, 255, 255, 0, 0, 0]);
    const sixteen = await rawSharp(noise(4, 4).data, 4, 4, 3).toColourspace('rgb16').png().toBuffer();
    const decoded = await decodeImage(sixteen);
    assert.deepEqual(decoded, noise(4, 4));
  });

  void it('refuses empty and unrecognised bytes', async () => {
    await rejectsNaming(decodeImage(new Uint8Array(0), { name: 'empty.png' }), 'empty.png', /empty/);
    await rejectsNaming(decodeImage(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), { name: 'x.png' }), 'x.png', /not a PNG or JPEG image \(unrecognised signature\)/);
    await rejectsNaming(decodeImage(Uint8Array.from([1, 2, 3])), 'image', /not a PNG or JPEG/);
  });

  void it('refuses corrupt PNG and JPEG data behind a valid signature', async () => {
    const png = Buffer.from(await encodePng(noise(16, 16)));
    png.fill(0x41, 16, 40); // smash IHDR and its CRC
    await rejectsNaming(decodeImage(png, { name: 'bad.png' }), 'bad.png', /PNG/);
    const jpeg = Buffer.from(await encodeJpeg(noise(16, 16)));
    jpeg.fill(0x00, 20, jpeg.length - 2);
    await rejectsNaming(decodeImage(jpeg, { name: 'bad.jpg' }), 'bad.jpg', /JPEG/);
  });

  void it('refuses truncated PNG and JPEG', async () => {
    const png = await encodePng(noise(32, 32));
    await rejectsNaming(decodeImage(png.subarray(0, Math.floor(png.length / 2)), { name: 'photos/cut.png' }), 'photos/cut.png', /PNG/);
    const jpeg = await encodeJpeg(noise(32, 32));
    await rejectsNaming(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)), { name: 'cut.jpg' }), 'cut.jpg', /JPEG/);
  });

  void it('refuses GIF, TIFF, WebP and SVG by name', async () => {
    for (const [format, bytes] of Object.entries(await blockedFormats())) {
      await rejectsNaming(decodeImage(bytes, { name: `f.${format}` }), `f.${format}`, new RegExp(`not a PNG or JPEG image \\(looks like ${format}`));
    }
  });

  void it('has blocked the other libvips loaders process-wide (defence behind the signature check)', async () => {
    for (const [format, bytes] of Object.entries(await blockedFormats())) {
      await assert.rejects(sharp(bytes).raw().toBuffer(), /unsupported image format/, format);
    }
    assert.equal((await sharp(await encodePng(noise(4, 4))).raw().toBuffer()).length, 48);
  });

  void it('blocks the native .vips file loader but not PNG files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'imaging-vips-'));
    try {
      await rawSharp(noise(4, 4).data, 4, 4, 3).toFile(path.join(dir, 'x.v'));
      await assert.rejects(sharp(path.join(dir, 'x.v')).metadata(), /unsupported image format/);
      await writeFile(path.join(dir, 'x.png'), await encodePng(noise(4, 4)));
      assert.equal((await sharp(path.join(dir, 'x.png')).metadata()).format, 'png');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('refuses zero sizes and pixel counts over the limit before decoding', async () => {
    await rejectsNaming(decodeImage(pngClaiming(0, 16), { name: 'zero.png' }), 'zero.png', /PNG/);
    await rejectsNaming(decodeImage(pngClaiming(100_000, 100_000), { name: 'huge.png' }), 'huge.png', /100000×100000 has 10000000000 pixels, over the limit of 16777216/);
    assert.equal(DEFAULT_MAX_PIXELS, 16_777_216);
    await rejectsNaming(decodeImage(await encodePng(noise(16, 16)), { name: 's.png', maxPixels: 255 }), 's.png', /256 pixels, over the limit of 255/);
    assert.equal((await decodeImage(await encodePng(noise(16, 16)), { maxPixels: 256 })).width, 16);
  });
});

void describe('decodeRawRgb', () => {
  void it('wraps raw RGB of the right length', () => {
    const image = noise(3, 2);
    assert.deepEqual(decodeRawRgb(image.data, 3, 2), image);
  });

  void it('refuses a length mismatch, zero sizes and too many pixels, naming the source', async () => {
    await rejectsNaming(Promise.resolve().then(() => decodeRawRgb(new Uint8Array(17), 3, 2, { name: 'request r1 image 0' })), 'request r1 image 0', /17 bytes but 3×2×3 needs 18/);
    await rejectsNaming(Promise.resolve().then(() => decodeRawRgb(new Uint8Array(0), 0, 2, { name: 'r' })), 'r', /positive/);
    await rejectsNaming(Promise.resolve().then(() => decodeRawRgb(new Uint8Array(12), 2, 2, { name: 'r', maxPixels: 3 })), 'r', /over the limit of 3/);
  });
});
