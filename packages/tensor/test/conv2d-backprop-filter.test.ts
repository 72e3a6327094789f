import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, tf, UnsupportedOperationError } from '../src/index.js';
import { conv2dBackpropFilterIm2col } from '../src/kernels/conv2d-backprop-filter.js';
import { assertClose, CONV_CASES, convCaseLabel, convGradientOnBothBackends, seeded, type ConvCase } from './helpers.js';

void describe('wasm Conv2DBackpropFilter', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  // The registered kernel runs im2col below batch 4 and one conv from 4 up: both are checked against cpu.
  const cases: readonly ConvCase[] = [
    ...CONV_CASES,
    ...CONV_CASES.map((c) => ({ ...c, x: [c.x[0] + 3, c.x[1], c.x[2], c.x[3]] as ConvCase['x'] })),
  ];
  for (const c of cases) {
    void it(`matches the cpu backend for ${convCaseLabel(c)}`, async () => {
      const { wasm, cpu } = await convGradientOnBothBackends(c, (conv, x, filter) => tf.grad((f: tf.Tensor) => conv(x, f as tf.Tensor4D))(filter));
      assertClose(wasm, cpu, convCaseLabel(c));
    });
  }

  void it('the im2col kernel gives the same result in several row chunks as in one', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seeded([3, 9, 8, 4], 4), [3, 9, 8, 4]);
    const dy = tf.tensor4d(seeded([3, 5, 4, 3], 5), [3, 5, 4, 3]);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 3] };
    const whole = tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropFilter', { x, dy }, attrs);
    const backend = tf.backend() as BackendWasm;
    // 3·3·4 patch rows × 4 columns per output row: 200 floats allow one output row (of 15) per chunk.
    const info = conv2dBackpropFilterIm2col({ inputs: { x, dy }, backend, attrs }, 200);
    const chunked = tf.engine().makeTensorFromTensorInfo(info);
    assertClose(chunked.dataSync() as Float32Array, whole.dataSync() as Float32Array, 'chunked vs whole');
    tf.dispose([x, dy, whole, chunked]);
  });

  void it('refuses dilations and NCHW with a typed error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 2]);
    const run = (extra: Record<string, unknown>) => () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 2], ...extra });
    assert.throws(run({ dilations: 2 }), (e: unknown) => e instanceof UnsupportedOperationError && /dilations must be 1/.test(e.message));
    assert.throws(run({ dataFormat: 'NCHW' }), UnsupportedOperationError);
    tf.dispose([x, dy]);
  });

  void it('does not grow the tensor count across repeated gradient calls', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seeded([2, 8, 8, 3], 6), [2, 8, 8, 3]);
    const f = tf.variable(tf.tensor4d(seeded([3, 3, 3, 4], 7), [3, 3, 3, 4]));
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, f, 2, 'same'))), [f]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, count);
    tf.dispose([x, f]);
  });
});
