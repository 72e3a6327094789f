import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dilatedConv2d, initBackend, tf } from '../src/index.js';
import { assertClose, seeded, valuesOn } from './helpers.js';

/** Selection matrix [effective, k] with S[a, i] = 1 where a = i·rate: inserts rate-1 zeros between taps. */
function spread(k: number, rate: number): tf.Tensor2D {
  const effective = (k - 1) * rate + 1;
  return tf.tidy(() => tf.transpose(tf.oneHot(tf.tensor1d(Array.from({ length: k }, (_, i) => i * rate), 'int32'), effective)) as tf.Tensor2D);
}

/** The filter with zeros inserted between its taps, built with differentiable ops (an independent reference). */
function zeroInsertedFilter(filter: tf.Tensor4D, [rateH, rateW]: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const eh = (kh - 1) * rateH + 1;
  const ew = (kw - 1) * rateW + 1;
  const alongH = tf.reshape(tf.matMul(spread(kh, rateH), tf.reshape(filter, [kh, kw * ci * co])), [eh, kw, ci, co]);
  const wFirst = tf.reshape(tf.transpose(alongH, [1, 0, 2, 3]), [kw, eh * ci * co]);
  const alongW = tf.reshape<tf.Rank.R4>(tf.matMul(spread(kw, rateW), wFirst), [ew, eh, ci, co]);
  return tf.transpose<tf.Tensor4D>(alongW, [1, 0, 2, 3]);
}

const cases: { x: [number, number, number, number]; k: [number, number]; co: number; rate: number | [number, number]; pad: 'same' | 'valid' }[] = [
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, rate: 2, pad: 'same' },
  { x: [1, 9, 7, 2], k: [3, 3], co: 3, rate: 2, pad: 'same' },
  { x: [2, 11, 13, 3], k: [3, 3], co: 2, rate: 3, pad: 'same' },
  { x: [1, 7, 10, 2], k: [2, 4], co: 3, rate: [2, 3], pad: 'same' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 2, rate: 2, pad: 'valid' },
  { x: [1, 13, 11, 2], k: [3, 2], co: 3, rate: [3, 2], pad: 'valid' },
  { x: [1, 6, 6, 2], k: [3, 3], co: 2, rate: 1, pad: 'same' },
];

const label = (c: (typeof cases)[number]): string => `x${c.x.join('x')} k${c.k.join('x')} rate ${String(c.rate)} ${c.pad}`;
const pair = (r: number | [number, number]): [number, number] => (typeof r === 'number' ? [r, r] : r);

void describe('dilatedConv2d', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const c of cases) {
    const filterShape: [number, number, number, number] = [...c.k, c.x[3], c.co];
    const inputs = () => ({ x: tf.tensor4d(seeded(c.x, 11), c.x), f: tf.tensor4d(seeded(filterShape, 12), filterShape) });

    void it(`forward equals tf.conv2d with dilations for ${label(c)}`, async () => {
      for (const backend of ['wasm', 'cpu']) {
        const [ours, reference] = await valuesOn(backend, () => {
          const { x, f } = inputs();
          return [dilatedConv2d(x, f, c.rate, c.pad), tf.conv2d(x, f, 1, c.pad, 'NHWC', c.rate)];
        });
        assertClose(ours!, reference!, `${backend} forward ${label(c)}`);
      }
    });

    void it(`gradients wrt input and filter match a zero-inserted-filter conv2d, wasm and cpu, for ${label(c)}`, async () => {
      const compute = (useReference: boolean) => (): tf.Tensor[] => {
        const { x, f } = inputs();
        const conv = (xIn: tf.Tensor4D, fIn: tf.Tensor4D): tf.Tensor4D =>
          useReference ? tf.conv2d(xIn, zeroInsertedFilter(fIn, pair(c.rate)), 1, c.pad) : dilatedConv2d(xIn, fIn, c.rate, c.pad);
        const yShape = conv(x, f).shape;
        const weights = tf.tensor(seeded(yShape, 13), yShape);
        const grads = tf.grads((xIn: tf.Tensor, fIn: tf.Tensor) => tf.sum(tf.mul(conv(xIn as tf.Tensor4D, fIn as tf.Tensor4D), weights)));
        return grads([x, f]);
      };
      const [refDx, refDf] = await valuesOn('cpu', compute(true));
      for (const backend of ['wasm', 'cpu']) {
        const [dx, df] = await valuesOn(backend, compute(false));
        assertClose(dx!, refDx!, `${backend} d/dx ${label(c)}`);
        assertClose(df!, refDf!, `${backend} d/dfilter ${label(c)}`);
      }
    });
  }

  void it('agrees with a central finite difference of the loss (cpu)', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor4d(seeded([1, 7, 6, 2], 21), [1, 7, 6, 2]);
    const f = tf.tensor4d(seeded([3, 3, 2, 2], 22), [3, 3, 2, 2]);
    const loss = (fIn: tf.Tensor): tf.Scalar => tf.sum(tf.square(dilatedConv2d(x, fIn as tf.Tensor4D, 2, 'same')));
    const analytic = tf.grad(loss)(f).dataSync();
    const base = f.dataSync();
    const eps = 1e-2;
    for (const index of [0, 7, 19, 35]) {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const shifted = Float32Array.from(base);
          shifted[index] = shifted[index]! + delta;
          return loss(tf.tensor4d(shifted, f.shape)).dataSync()[0]!;
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(numeric - analytic[index]!) <= 1e-2 * Math.max(1, Math.abs(numeric)), `index ${index}: ${numeric} vs ${analytic[index]}`);
    }
    tf.dispose([x, f]);
  });

  void it('does not grow the tensor count across repeated gradient calls (wasm)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seeded([2, 9, 9, 3], 31), [2, 9, 9, 3]);
    const f = tf.variable(tf.tensor4d(seeded([3, 3, 3, 3], 32), [3, 3, 3, 3]));
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(dilatedConv2d(x, f, 2))), [f]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, count);
    tf.dispose([x, f]);
  });
});
