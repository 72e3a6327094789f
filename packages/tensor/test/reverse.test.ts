import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../src/index.js';
import { seeded } from './helpers.js';

/** Shapes and axes: leading axes (one block copy each), inner and scattered axes, empty and scalar tensors. */
const CASES: readonly { shape: number[]; dims: number[] }[] = [
  { shape: [3, 3, 4, 5], dims: [0, 1] },
  { shape: [3, 3, 4, 5], dims: [1, 0] },
  { shape: [7], dims: [0] },
  { shape: [2, 3, 4], dims: [0] },
  { shape: [2, 3, 4], dims: [-3, -2, -1] },
  { shape: [2, 3, 4], dims: [1] },
  { shape: [3, 3, 4, 5], dims: [0, 2] },
  { shape: [0, 3], dims: [0] },
  { shape: [], dims: [] },
  { shape: [2, 3, 4, 5], dims: [3] },
  { shape: [], dims: [] },
  { shape: [2, 3, 4, 5], dims: [3] },
];

/** tf.reverse of a seeded tensor of `dtype`, on `backend`. */
async function reversed(backend: string, shape: number[], dims: number[], dtype: 'float32' | 'int32' | 'bool'): Promise<number[]> {
  await tf.setBackend(backend);
  const values = seeded(shape, 5).map((v) => (dtype === 'float32' ? v : dtype === 'int32' ? Math.round(v * 1000) : v > 0 ? 1 : 0));
  return tf.tidy(() => Array.from(tf.reverse(tf.tensor(values, shape, dtype), dims).dataSync()));
}

void describe('wasm Reverse', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const { shape, dims } of CASES) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      void it(`equals the cpu backend's reverse of ${dtype} [${shape.join(', ')}] along [${dims.join(', ')}]`, async () => {
        assert.deepEqual(await reversed('wasm', shape, dims, dtype), await reversed('cpu', shape, dims, dtype));
      });
    }
  }

  void it('is registered over the backend kernel', async () => {
    await tf.setBackend('wasm');
    assert.match(tf.getKernel('Reverse', 'wasm').kernelFunc.toString(), /reverseAxes/);
  });
});
