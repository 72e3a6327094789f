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
