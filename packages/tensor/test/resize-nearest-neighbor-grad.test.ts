import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../src/index.js';
import { nearestSourceIndices } from '../src/kernels/resize-nearest-neighbor-grad.js';
import { registerGapKernels } from '../src/kernels/register.js';
import { assertClose, seeded, valuesOn } from './helpers.js';

interface ResizeCase {
  x: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const CASES: readonly ResizeCase[] = [
  { x: [4, 8, 8, 32], size: [16, 16], alignCorners: false, halfPixelCenters: false },
  { x: [3, 5, 7, 2], size: [10, 14], alignCorners: false, halfPixelCenters: false },
  { x: [2, 6, 5, 3], size: [9, 13], alignCorners: true, halfPixelCenters: false },
  { x: [2, 5, 6, 3], size: [11, 9], alignCorners: false, halfPixelCenters: true },
  { x: [2, 9, 8, 1], size: [4, 3], alignCorners: false, halfPixelCenters: false },
];

const label = (c: ResizeCase): string =>
  `x${c.x.join('x')} → ${c.size.join('x')}${c.alignCorners ? ' align corners' : ''}${c.halfPixelCenters ? ' half-pixel centres' : ''}`;

/** [dx, ⟨resize(x), w⟩] on `backend` for loss Σ resize(x)·w, with seeded x and w (w makes dy non-uniform). */
async function resizeGradient(backend: string, c: ResizeCase): Promise<{ dx: Float32Array; forward: number }> {
  const [dx, forward] = await valuesOn(backend, () => {
    const x = tf.tensor4d(seeded(c.x, 1), c.x);
    const yShape = [c.x[0], ...c.size, c.x[3]];
    const w = tf.tensor(seeded(yShape, 2), yShape);
    const loss = (v: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters), w));
    return [tf.grad(loss)(x), loss(x)];
  });
  return { dx: dx!, forward: forward![0]! };
}

void describe('cpu ResizeNearestNeighborGrad', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
    registerGapKernels('cpu');
  });

  for (const c of CASES) {
    void it(`is the adjoint of the forward resize, ⟨x, dx⟩ = ⟨resize(x), w⟩, for ${label(c)}`, async () => {
      const { dx, forward } = await resizeGradient('cpu', c);
      const inner = seeded(c.x, 1).reduce((sum, v, i) => sum + v * dx[i]!, 0);
      assert.ok(Math.abs(inner - forward) <= 1e-4 * Math.max(1, Math.abs(forward)), `⟨x, dx⟩ ${inner} ≠ ⟨resize(x), w⟩ ${forward}`);
    });
  }

  // The wasm kernel ignores half-pixel centres (its gradient is the adjoint only without them).
  for (const c of CASES.filter((c) => !c.halfPixelCenters)) {
    void it(`matches the wasm backend for ${label(c)}`, async () => {
      assertClose((await resizeGradient('cpu', c)).dx, (await resizeGradient('wasm', c)).dx, label(c));
    });
  }

  void it('maps output rows to the rows the forward pass copies', () => {
    assert.deepEqual(Array.from(nearestSourceIndices(4, 8, false, false)), [0, 0, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(Array.from(nearestSourceIndices(3, 5, true, false)), [0, 1, 1, 2, 2]);
    assert.deepEqual(Array.from(nearestSourceIndices(4, 2, false, true)), [1, 3]);
  });

  void it('replaces the backend kernel once, however often the kernels are registered', () => {
    const ours = tf.getKernel('ResizeNearestNeighborGrad', 'cpu');
    assert.deepEqual(registerGapKernels('cpu'), []);
    assert.equal(tf.getKernel('ResizeNearestNeighborGrad', 'cpu'), ours);
  });
});
