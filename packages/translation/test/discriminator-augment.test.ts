import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import { augmentForDiscriminator } from '../src/discriminator-augment.js';
import { setupBackend } from './helpers.js';

before(setupBackend);

const SIZE = 16;

/** `count` black images, each with one white pixel at (row, col). */
function dots(count: number, row: number, col: number): tf.Tensor4D {
  const values = new Float32Array(count * SIZE * SIZE * 3);
  for (let i = 0; i < count; i++) values.fill(1, ((i * SIZE + row) * SIZE + col) * 3, ((i * SIZE + row) * SIZE + col + 1) * 3);
  return tf.tensor4d(values, [count, SIZE, SIZE, 3]);
}

/** (row, col) of every pixel whose red value is `value`, per image. */
function positions(images: tf.Tensor4D, value: number): [number, number][][] {
  return images.arraySync().map((image) => image.flatMap((row, y) => row.flatMap((pixel, x) => (pixel[0] === value ? [[y, x] as [number, number]] : []))));
}

void test('no augmentation leaves the batch as it is', () => {
  const images = dots(2, 3, 4);
  assert.equal(augmentForDiscriminator(images, [], new SeededRandom(1)), images);
  images.dispose();
});

void test('translation moves each image by its own shift of at most 1/8 of the side, filling with zeros', () => {
  tf.tidy(() => {
    const moved = positions(augmentForDiscriminator(dots(8, 8, 8), ['translation'], new SeededRandom(3)), 1);
    for (const dot of moved) {
      assert.equal(dot.length, 1, 'the dot is still there, once');
      const [y, x] = dot[0]!;
      assert.ok(Math.abs(y - 8) <= 2 && Math.abs(x - 8) <= 2, `shift (${y - 8}, ${x - 8}) exceeds 2 px`);
    }
    assert.ok(new Set(moved.map((dot) => dot.join())).size > 1, 'the images of a batch get different shifts');
  });
});

void test('cutout zeroes one square of at most half the side per image and keeps the rest', () => {
  tf.tidy(() => {
    const ones = tf.ones<tf.Rank.R4>([6, SIZE, SIZE, 3]);
    const cut = augmentForDiscriminator(ones, ['cutout'], new SeededRandom(4));
    const values = cut.dataSync();
    assert.ok(values.every((v) => v === 0 || v === 1));
    for (const zeros of positions(cut, 0)) {
      const rows = zeros.map(([y]) => y);
      const cols = zeros.map(([, x]) => x);
      const [height, width] = [Math.max(...rows) - Math.min(...rows) + 1, Math.max(...cols) - Math.min(...cols) + 1];
      assert.ok(height <= SIZE / 2 && width <= SIZE / 2, `a ${height}×${width} hole`);
      assert.equal(zeros.length, height * width, 'the hole is one rectangle');
      assert.ok(zeros.length >= (SIZE / 4) ** 2, `a hole of ${zeros.length} px is less than the quarter of the square that always stays in`);
    }
  });
});

void test('colour jitter changes every image differently, repeats with the same random state, and passes gradients', () => {
  tf.tidy(() => {
    const images = tf.randomUniform<tf.Rank.R4>([4, SIZE, SIZE, 3], -1, 1, 'float32', 9);
    const jittered = augmentForDiscriminator(images, ['color'], new SeededRandom(5));
    assert.deepEqual(jittered.arraySync(), augmentForDiscriminator(images, ['color'], new SeededRandom(5)).arraySync());
    const change = tf.mean(tf.abs(tf.sub(jittered, images)), [1, 2, 3]).arraySync() as number[];
    assert.ok(change.every((c) => c > 0.01), `mean change per image ${change.join(', ')}`);
    assert.equal(new Set(change).size, change.length);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(augmentForDiscriminator(x as tf.Tensor4D, ['color', 'translation', 'cutout'], new SeededRandom(6)))))(images);
    const g = gradient.dataSync();
    assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), 'every augmentation is differentiable');
  });
});
