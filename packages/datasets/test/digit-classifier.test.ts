import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageSetFromImages, type RgbImage } from '@sim2real/imaging';
import { initBackend, tf } from '@sim2real/tensor';
import { DatasetOptionError, trainDigitClassifier } from '../src/index.js';

/** Class k: a bright 4 × 4 block at cell k of a 16 px image, over seeded noise. */
function blockImage(label: number, noise: number): RgbImage {
  const data = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => ((i * 37 + noise * 101) % 64));
  const [cx, cy] = [(label % 4) * 4, Math.floor(label / 4) * 4];
  for (let y = cy; y < cy + 4; y++) for (let x = cx; x < cx + 4; x++) data.fill(250, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
  return { width: 16, height: 16, data };
}

void describe('trainDigitClassifier', () => {
  void it('learns a separable 10-class task and frees its tensors', async () => {
    await initBackend({ backend: 'wasm' });
    const labels = Array.from({ length: 200 }, (_, i) => i % 10);
    const train = await imageSetFromImages(labels.map((l, i) => blockImage(l, i)), 16);
    const testLabels = Array.from({ length: 50 }, (_, i) => (i * 3) % 10);
    const test = await imageSetFromImages(testLabels.map((l, i) => blockImage(l, 1000 + i)), 16);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const classifier = await trainDigitClassifier(train, labels, { steps: 80, seed: 1, onStep: (_, loss) => losses.push(loss) });
    assert.equal(losses.length, 80);
    assert.ok(classifier.accuracy(test, testLabels) >= 0.9, `accuracy ${classifier.accuracy(test, testLabels)}`);
    assert.equal(classifier.predict(test).length, 50);
    classifier.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  void it('repeats for a seed (weights, sampling order and dropout masks)', async () => {
    await initBackend({ backend: 'wasm' });
    const labels = Array.from({ length: 40 }, (_, i) => i % 10);
    const train = await imageSetFromImages(labels.map((l, i) => blockImage(l, i)), 16);
    const run = async (seed: number): Promise<number[]> => {
      const losses: number[] = [];
      (await trainDigitClassifier(train, labels, { steps: 12, seed, onStep: (_, loss) => losses.push(loss) })).dispose();
      return losses;
    };
    const first = await run(0);
    assert.deepEqual(await run(0), first);
    assert.notDeepEqual(await run(1), first);
  });

  void it('refuses labels that do not match the images', async () => {
    const set = await imageSetFromImages([blockImage(1, 0), blockImage(2, 0)], 16);
    await assert.rejects(trainDigitClassifier(set, [1]), DatasetOptionError);
    await assert.rejects(trainDigitClassifier(set, [1, 12]), DatasetOptionError);
  });
});
