import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, tf } from '../src/index.js';
import { conv2dBackpropInputCol2im } from '../src/kernels/conv2d-backprop-input.js';
import { registerGapKernels } from '../src/kernels/register.js';
import { assertClose, CONV_CASES, convCaseLabel, convGradientOnBothBackends, seeded, valuesOn, type ConvCase } from './helpers.js';

const cases: readonly ConvCase[] = [
  ...CONV_CASES,
  { x: [1, 12, 12, 3], k: [7, 7], co: 4, stride: 1, pad: 'same' },
  { x: [2, 6, 7, 3], k: [3, 3], co: 4, stride: 1, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  // a pad wider than the filter: no forward conv restores the input size, so the phase path runs (with a crop of dy)
  { x: [1, 5, 6, 2], k: [1, 1], co: 3, stride: 1, pad: 1 },
  // phases with no filter tap (1×1 stride 2, 1×2 stride 3) keep zeros; a stride-2 7×7 with odd sizes
  { x: [2, 6, 6, 3], k: [1, 1], co: 2, stride: 2, pad: 'valid' },
  { x: [1, 7, 9, 2], k: [1, 2], co: 3, stride: 3, pad: 'same' },
  { x: [1, 13, 11, 3], k: [7, 7], co: 5, stride: 2, pad: 'same' },
  { x: [2, 10, 10, 4], k: [4, 4], co: 3, stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
];

void describe('wasm Conv2DBackpropInput', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const c of cases) {
    void it(`matches the cpu backend for ${convCaseLabel(c)}`, async () => {
      const { wasm, cpu } = await convGradientOnBothBackends(c, (conv, x, filter) => tf.grad((input: tf.Tensor) => conv(input as tf.Tensor4D, filter))(x));
      assertClose(wasm, cpu, convCaseLabel(c));
    });
  }

  void it('replaces the backend kernel once, however often the kernels are registered', () => {
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
    assert.deepEqual(registerGapKernels('wasm'), []);
    assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm'), ours);
  });

  void it('leaves NCHW to the backend kernel', async () => {
    await tf.setBackend('wasm');
    const [nchw, viaNhwc] = tf.tidy(() => {
      const dy = tf.tensor4d(seeded([1, 2, 4, 4], 10), [1, 2, 4, 4]);
      const filter = tf.tensor4d(seeded([3, 3, 3, 2], 11), [3, 3, 3, 2]);
      const attrs = { strides: 1, pad: 'same' };
      const dx = tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropInput', { dy, filter }, { ...attrs, dataFormat: 'NCHW', inputShape: [1, 3, 4, 4] });
      const dyNhwc = tf.transpose(dy, [0, 2, 3, 1]);
      const nhwc = tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropInput', { dy: dyNhwc, filter }, { ...attrs, dataFormat: 'NHWC', inputShape: [1, 4, 4, 3] });
      return [dx.dataSync() as Float32Array, tf.transpose(nhwc, [0, 3, 1, 2]).dataSync() as Float32Array];
    });
    assertClose(nchw, viaNhwc, 'NCHW vs NHWC');
  });

  void it('runs conv2dTranspose (the forward pass of transposed convs) as the cpu backend does', async () => {
    const compute = (): tf.Tensor[] => {
      const x = tf.tensor4d(seeded([2, 4, 5, 6], 4), [2, 4, 5, 6]);
      const f = tf.tensor4d(seeded([3, 3, 3, 6], 5), [3, 3, 3, 6]);
      return [tf.conv2dTranspose(x, f, [2, 8, 10, 3], 2, 'same')];
    };
    const [wasm] = await valuesOn('wasm', compute);
    const [cpu] = await valuesOn('cpu', compute);
    assertClose(wasm!, cpu!, 'conv2dTranspose');
  });

  void it('the col2im baseline gives the same result in several row chunks as the phase kernel', async () => {
    await tf.setBackend('wasm');
    const dy = tf.tensor4d(seeded([3, 5, 4, 3], 6), [3, 5, 4, 3]);
    const filter = tf.tensor4d(seeded([3, 3, 4, 3], 7), [3, 3, 4, 3]);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [3, 9, 8, 4] };
    const whole = tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropInput', { dy, filter }, attrs);
    const backend = tf.backend() as BackendWasm;
    // 3·3·4 patch entries × 4 columns per output row: 200 floats allow one output row (of 15) per chunk.
    const info = conv2dBackpropInputCol2im({ inputs: { dy, filter }, backend, attrs }, 200);
    const chunked = tf.engine().makeTensorFromTensorInfo(info);
    assertClose(chunked.dataSync() as Float32Array, whole.dataSync() as Float32Array, 'chunked vs whole');
    tf.dispose([dy, filter, whole, chunked]);
  });

  void it('does not grow the tensor count or the wasm heap use across repeated gradient calls', async () => {
    await tf.setBackend('wasm');
    const x = tf.variable(tf.tensor4d(seeded([2, 8, 8, 3], 8), [2, 8, 8, 3]));
    const f = tf.tensor4d(seeded([3, 3, 3, 4], 9), [3, 3, 3, 4]);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, f, 2, 'same'))), [x]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const { numTensors, numBytes } = tf.memory();
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, numTensors);
    assert.equal(tf.memory().numBytes, numBytes);
    tf.dispose([x, f]);
  });
});
