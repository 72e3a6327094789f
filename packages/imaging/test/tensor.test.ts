import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tf } from '@sim2real/tensor';
import sharp from 'sharp';
import {
  ImageShapeError,
  decodeImage,
  encodeJpeg,
  encodePng,
  fromModelOutput,
  imageSetFromImages,
  makeGrid,
  maskToGrey,
  resizeImage,
  toModelInput,
} from '../src/index.js';
import { noise, rgb } from './fixtures.js';

void before(async () => {
  await tf.setBackend('cpu');
});

void describe('toModelInput / fromModelOutput', () => {
  void it('maps bytes to [-1, 1] with shape [n, size, size, 3]', async () => {
    const t = await toModelInput([rgb(4, 4, (x) => (x === 0 ? 0 : 255)), rgb(4, 4, () => 51)], 4);
    assert.deepEqual(t.shape, [2, 4, 4, 3]);
    assert.equal(t.dtype, 'float32');
    const values = await t.data();
    assert.equal(values[0], -1);
    assert.equal(values[3], 1);
    assert.ok(Math.abs(values[48]! - (51 / 127.5 - 1)) < 1e-6);
    assert.equal(Math.min(...values), -1);
    assert.equal(Math.max(...values), 1);
    t.dispose();
  });

  void it('round-trips bytes exactly at the model size', async () => {
    const images = [noise(8, 8), rgb(8, 8, (x, y, k) => (x + y * 8) * 4 + k)];
    const t = await toModelInput(images, 8);
    assert.deepEqual(fromModelOutput(t), images);
    t.dispose();
  });

  void it('stretches to size × size and back to the original size', async () => {
    const wide = rgb(20, 12, (x, _y, k) => (x < 10 ? [250, 0, 0][k]! : [0, 0, 250][k]!));
    const t = await toModelInput([wide], 16);
    assert.deepEqual(t.shape, [1, 16, 16, 3]);
    const [out] = fromModelOutput(t);
    t.dispose();
    assert.ok(out);
    const restored = await resizeImage(out, wide.width, wide.height);
    assert.equal(restored.width, 20);
    assert.equal(restored.height, 12);
    const at = (x: number, y: number) => [...restored.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    assert.deepEqual(at(2, 6), [250, 0, 0], 'left half stays red where it was');
    assert.deepEqual(at(17, 6), [0, 0, 250], 'right half stays blue where it was');
  });

  void it('clamps out-of-range outputs and maps NaN to 0', () => {
    const t = tf.tensor4d([-3, 0, 3, Number.NaN, 1, -1], [1, 1, 2, 3]);
    const [image] = fromModelOutput(t);
    t.dispose();
    assert.deepEqual([...image!.data], [0, 128, 255, 0, 255, 0]);
  });

  void it('turns a [0, 1] mask into grey images', () => {
    const t = tf.tensor4d([0, 0.5, 1, 2, 0.25, -1], [2, 1, 3, 1]);
    const masks = maskToGrey(t);
    t.dispose();
    assert.deepEqual(masks, [
      { width: 3, height: 1, data: Uint8Array.from([0, 128, 255]) },
      { width: 3, height: 1, data: Uint8Array.from([255, 64, 0]) },
    ]);
  });

  void it('refuses wrong shapes and empty batches', async () => {
    const grey = tf.zeros<tf.Rank.R4>([1, 2, 2, 1]);
    assert.throws(() => fromModelOutput(grey), ImageShapeError);
    grey.dispose();
    const colour = tf.zeros<tf.Rank.R4>([1, 2, 2, 3]);
    assert.throws(() => maskToGrey(colour), ImageShapeError);
    colour.dispose();
    await assert.rejects(toModelInput([], 8), ImageShapeError);
    await assert.rejects(toModelInput([noise(4, 4)], 0), ImageShapeError);
    await assert.rejects(toModelInput([{ width: 4, height: 4, data: new Uint8Array(5) }], 4), ImageShapeError);
  });

  void it('does not leak tensors', async () => {
    const images = [noise(12, 10), noise(16, 16)];
    const warm = await toModelInput(images, 8);
    fromModelOutput(warm);
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const t = await toModelInput(images, 8);
      fromModelOutput(t);
      t.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

void describe('ImageSet', () => {
  void it('packs images and serves batches in [-1, 1] by index', async () => {
    const images = [rgb(4, 4, () => 0), rgb(8, 6, () => 255), rgb(4, 4, () => 51)];
    const set = await imageSetFromImages(images, 4);
    assert.equal(set.count, 3);
    assert.equal(set.size, 4);
    const t = set.batch([2, 0, 2]);
    assert.deepEqual(t.shape, [3, 4, 4, 3]);
    const values = await t.data();
    t.dispose();
    assert.ok(Math.abs(values[0]! - (51 / 127.5 - 1)) < 1e-6);
    assert.equal(values[48], -1);
    assert.deepEqual(set.image(1), rgb(4, 4, () => 255));
    assert.throws(() => set.batch([3]), ImageShapeError);
    assert.throws(() => set.batch([]), ImageShapeError);
    assert.throws(() => set.image(-1), ImageShapeError);
  });

  void it('does not leak tensors across batches', async () => {
    const set = await imageSetFromImages([noise(8, 8), noise(8, 8)], 8);
    set.batch([0]).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) set.batch([i % 2, 1]).dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

void describe('makeGrid', () => {
  void it('lays rows out with gaps, expanding grey to RGB and stretching to the cell size', () => {
    const red = rgb(2, 2, (_x, _y, k) => (k === 0 ? 255 : 0));
    const grey = { width: 1, height: 1, data: Uint8Array.from([77]) };
    const grid = makeGrid([[red, grey], [red]], { cellSize: 2, gap: 1, background: 9 });
    assert.equal(grid.width, 1 + 2 * 3);
    assert.equal(grid.height, 1 + 2 * 3);
    const px = (x: number, y: number) => [...grid.data.subarray((y * grid.width + x) * 3, (y * grid.width + x) * 3 + 3)];
    assert.deepEqual(px(0, 0), [9, 9, 9]);
    assert.deepEqual(px(1, 1), [255, 0, 0]);
    assert.deepEqual(px(4, 1), [77, 77, 77]);
    assert.deepEqual(px(5, 2), [77, 77, 77]);
    assert.deepEqual(px(2, 5), [255, 0, 0]);
    assert.deepEqual(px(4, 4), [9, 9, 9], 'empty cell in a short row');
  });

  void it('defaults the cell to the largest image and refuses empty input', () => {
    const grid = makeGrid([[noise(8, 4), noise(3, 3)]]);
    assert.equal(grid.width, 2 + 2 * (8 + 2));
    assert.equal(grid.height, 2 + 8 + 2);
    assert.throws(() => makeGrid([[]]), ImageShapeError);
  });
});

void describe('encodeJpeg', () => {
  void it('refuses a quality outside 1..100', async () => {
    await assert.rejects(encodeJpeg(noise(2, 2), 0), ImageShapeError);
  });
});

void describe('resizeImage and encodePng on grey images', () => {
  void it('keep one channel', async () => {
    const grey = { width: 4, height: 2, data: Uint8Array.from([0, 50, 100, 150, 200, 250, 30, 60]) };
    const resized = await resizeImage(grey, 8, 4);
    assert.equal(resized.data.length, 8 * 4);
    assert.equal(resized.data[0], 0);
    assert.equal(resized, await resizeImage(resized, 8, 4), 'same size → same object');
    const meta = await sharp(await encodePng(grey)).metadata();
    assert.equal(meta.channels, 1);
    assert.deepEqual((await decodeImage(await encodePng(grey))).data.filter((_, i) => i % 3 === 0), grey.data);
  });
});
