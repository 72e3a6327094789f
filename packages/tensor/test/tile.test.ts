import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../src/index.js';
import { registerGapKernels } from '../src/kernels/register.js';
import { seeded } from './helpers.js';

const CASES: readonly { shape: number[]; reps: number[] }[] = [
  { shape: [], reps: [] },
  { shape: [5], reps: [3] },
  { shape: [1, 1, 1, 16], reps: [4, 8, 8, 1] },
  { shape: [2, 3, 4, 5], reps: [1, 1, 1, 1] },
  { shape: [2, 3, 4], reps: [3, 1, 2] },
  { shape: [3, 1, 2], reps: [1, 5, 1] },
  { shape: [2, 2, 3, 1, 2], reps: [2, 3, 1, 4, 2] },
  { shape: [4, 0, 2], reps: [2, 3, 1] },
];

/** tf.tile of a seeded tensor of `dtype`, on `backend`. */
async function tiled(backend: string, shape: number[], reps: number[], dtype: 'float32' | 'int32' | 'bool'): Promise<number[]> {
  await tf.setBackend(backend);
  const values = seeded(shape, 3).map((v) => (dtype === 'float32' ? v : dtype === 'int32' ? Math.round(v * 1000) : v > 0 ? 1 : 0));
  return tf.tidy(() => Array.from(tf.tile(tf.tensor(values, shape, dtype), reps).dataSync()));
}

void describe('wasm Tile', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const { shape, reps } of CASES) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      void it(`equals the cpu backend's tile of ${dtype} [${shape.join(', ')}] by [${reps.join(', ')}]`, async () => {
        assert.deepEqual(await tiled('wasm', shape, reps, dtype), await tiled('cpu', shape, reps, dtype));
      });
    }
  }

  void it('is registered once, over the backend kernel', async () => {
    await tf.setBackend('wasm');
    assert.equal(registerGapKernels('wasm').includes('Tile'), false);
    const kernel = tf.getKernel('Tile', 'wasm');
    assert.match(kernel.kernelFunc.toString(), /tileInto/);
  });
});
