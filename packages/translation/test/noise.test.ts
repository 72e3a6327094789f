import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf } from '@sim2real/tensor';
import { generatorInput, imageNoise, trainingNoise } from '../src/noise.js';
import { setupBackend } from './helpers.js';

before(setupBackend);

const rows = (t: tf.Tensor2D): number[][] => t.arraySync();

void test('training noise is uniform in [-1, 1), fresh at every step and the same on a rerun', () => {
  tf.tidy(() => {
    const step3 = trainingNoise(1, 3, 4, 5)!;
    assert.deepEqual(step3.shape, [4, 5]);
    assert.deepEqual(rows(trainingNoise(1, 3, 4, 5)!), rows(step3));
    assert.notDeepEqual(rows(trainingNoise(1, 4, 4, 5)!), rows(step3));
    assert.notDeepEqual(rows(trainingNoise(2, 3, 4, 5)!), rows(step3));
    const values = step3.dataSync();
    assert.ok(values.every((v) => v >= -1 && v < 1));
    assert.ok(new Set(values).size === values.length, 'the images of a batch get different draws');
  });
  assert.equal(trainingNoise(1, 3, 4, 0), undefined);
});

void test('image noise depends on the image only, not on its batch or position', () => {
  tf.tidy(() => {
    const a = tf.fill<tf.Rank.R4>([1, 4, 4, 3], 0.25);
    const b = tf.fill<tf.Rank.R4>([1, 4, 4, 3], -0.5);
    const [za, zb] = [rows(imageNoise(a, 3)!)[0]!, rows(imageNoise(b, 3)!)[0]!];
    assert.notDeepEqual(za, zb);
    assert.deepEqual(rows(imageNoise(tf.concat([b, a, b]), 3)!), [zb, za, zb]);
    assert.ok(za.every((v) => v >= -1 && v < 1));
    const draws = [0, 1, 2].map((draw) => rows(imageNoise(tf.concat([a, b]), 3, draw)!));
    assert.deepEqual(draws[0], [za, zb]);
    assert.equal(new Set(draws.flat().map((z) => z.join())).size, 6, 'each draw gives each image another z');
    assert.deepEqual(rows(imageNoise(b, 3, 2)!), [draws[2]![1]]);
  });
  assert.equal(imageNoise(tf.zeros([1, 4, 4, 3]), 0), undefined);
});

void test("G0's input is the image followed by z tiled over every pixel", () => {
  tf.tidy(() => {
    const images = tf.randomUniform<tf.Rank.R4>([2, 3, 3, 3], -1, 1, 'float32', 5);
    const noise = tf.tensor2d([
      [0.1, 0.2],
      [-0.3, 0.4],
    ]);
    const input = generatorInput(images, noise);
    assert.deepEqual(input.shape, [2, 3, 3, 5]);
    assert.deepEqual(input.slice([0, 0, 0, 0], [2, 3, 3, 3]).dataSync(), images.dataSync());
    const tiled = input.slice([1, 0, 0, 3], [1, 3, 3, 2]).reshape([9, 2]).arraySync() as number[][];
    assert.ok(tiled.every(([z0, z1]) => Math.abs(z0! + 0.3) < 1e-7 && Math.abs(z1! - 0.4) < 1e-7));
    assert.equal(generatorInput(images, undefined), images);
  });
});
