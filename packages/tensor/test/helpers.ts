import assert from 'node:assert/strict';
import { tf } from '../src/index.js';

/** Runs `compute` on the given backend and returns its outputs' values, disposing every tensor it made. */
export async function valuesOn(backend: string, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(compute);
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return values;
}

/** Asserts two arrays are equal within an absolute + relative tolerance scaled by the reference magnitude. */
export function assertClose(actual: Float32Array, expected: Float32Array, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (diff > worst) [worst, at] = [diff, i];
  }
  assert.ok(worst <= tolerance * scale, `${what}: max |diff| ${worst} at ${at} exceeds ${tolerance * scale}`);
}

/** Deterministic pseudo-random values (a fixed LCG), so both backends see identical inputs. */
export function seeded(shape: number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state / 2 ** 31 - 1);
  }
  return out;
}

type ConvPad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** One convolution geometry: input shape, filter height × width, output channels, stride, padding. */
export interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: number | [number, number];
  pad: ConvPad;
}

/** Geometries every conv gradient kernel is checked on: strides 1–3, same/valid/explicit pads, 1×1 to 4×3. */
export const CONV_CASES: readonly ConvCase[] = [
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, stride: 1, pad: 'same' },
  { x: [2, 9, 7, 3], k: [3, 3], co: 5, stride: 2, pad: 'same' },
  { x: [1, 11, 10, 2], k: [4, 3], co: 3, stride: [3, 2], pad: 'valid' },
  { x: [3, 7, 9, 4], k: [2, 2], co: 2, stride: 1, pad: 'valid' },
  { x: [1, 6, 5, 2], k: [3, 3], co: 2, stride: 2, pad: 1 },
  { x: [2, 7, 8, 3], k: [3, 3], co: 4, stride: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 5, 5, 3], k: [1, 1], co: 6, stride: 1, pad: 'same' },
];

export const convCaseLabel = (c: ConvCase): string => `x${c.x.join('x')} k${c.k.join('x')} s${String(c.stride)} pad ${JSON.stringify(c.pad)}`;

/**
 * The gradient `grad` picks out of conv2d(x, filter) for `c`, weighted by seeded loss weights so that dy is
 * non-uniform, on the wasm and the cpu backend.
 */
export async function convGradientOnBothBackends(
  c: ConvCase,
  grad: (conv: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Scalar, x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor,
): Promise<{ wasm: Float32Array; cpu: Float32Array }> {
  const filterShape: [number, number, number, number] = [...c.k, c.x[3], c.co];
  const compute = (): tf.Tensor[] => {
    const x = tf.tensor4d(seeded(c.x, 1), c.x);
    const filter = tf.tensor4d(seeded(filterShape, 2), filterShape);
    const yShape = tf.conv2d(x, filter, c.stride, c.pad).shape;
    const weights = tf.tensor(seeded(yShape, 3), yShape);
    return [grad((input, f) => tf.sum(tf.mul(tf.conv2d(input, f, c.stride, c.pad), weights)), x, filter)];
  };
  const [wasm] = await valuesOn('wasm', compute);
  const [cpu] = await valuesOn('cpu', compute);
  return { wasm: wasm!, cpu: cpu! };
}
