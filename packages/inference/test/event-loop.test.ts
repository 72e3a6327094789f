import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { exportOnnx } from '@sim2real/onnx-export';
import { writeUntrainedModel } from '@sim2real/translation/testing';
import { loadEngine } from '../src/index.ts';
import type { InferenceEngine } from '../src/index.ts';

const root = await mkdtemp(path.join(os.tmpdir(), 'sim2real-event-loop-'));
after(() => rm(root, { recursive: true, force: true }));

/** Timer ticks (every 1 ms asked) that fire while `engine.run` is pending, and how long it ran. */
async function ticksDuring(engine: InferenceEngine, count: number): Promise<{ ticks: number; ms: number }> {
  const input = Float32Array.from({ length: count * engine.imageSize ** 2 * 3 }, (_, i) => Math.cos(i));
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  const started = performance.now();
  try {
    await engine.run(input, count);
  } finally {
    clearInterval(timer);
  }
  return { ticks, ms: performance.now() - started };
}

test('the ONNX engine leaves the event loop free while it computes; the tfjs engine blocks it (the check can tell)', async () => {
  const dir = path.join(root, 'v1');
  await writeUntrainedModel(dir, { imageSize: 32, generatorWidth: 16, residualBlocks: 3, attentionWidth: 8 });
  await exportOnnx(dir);
  const onnx = await loadEngine(dir, { engine: 'onnx', threads: 1 });
  const tfjs = await loadEngine(dir, { engine: 'tfjs' });
  try {
    await ticksDuring(onnx, 1);
    const free = await ticksDuring(onnx, 16);
    const blocked = await ticksDuring(tfjs, 16);
    assert.ok(free.ms > 20, `the ONNX run was too short to tell (${free.ms.toFixed(1)} ms)`);
    assert.ok(free.ticks >= 3, `only ${free.ticks} timer ticks in a ${free.ms.toFixed(0)} ms ONNX run`);
    assert.equal(blocked.ticks, 0, `the tfjs run (${blocked.ms.toFixed(0)} ms) let ${blocked.ticks} ticks through`);
  } finally {
    await onnx.dispose();
    await tfjs.dispose();
  }
});
