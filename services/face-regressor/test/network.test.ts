import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { initBackend, tf } from '@sim2real/tensor';
import { buildRegressorNetwork, resolveRegressorConfig } from '../src/index.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

it('builds identical initial weights for the same seed (seed 0 included), different ones for another seed', () => {
  const weights = (seed: number): Float32Array[] => {
    const model = buildRegressorNetwork(resolveRegressorConfig({ imageSize: 16, seed }));
    const values = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    return values;
  };
  const tensorsBefore = tf.memory().numTensors;
  const [first, again, other] = [weights(0), weights(0), weights(1)];
  assert.equal(tf.memory().numTensors, tensorsBefore);
  first.forEach((w, i) => assert.deepEqual(w, again[i], `weight ${i} differs between two builds with seed 0`));
  assert.notDeepEqual(first[0], other[0]);
});
