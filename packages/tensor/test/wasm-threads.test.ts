import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, tf, UnsupportedOperationError } from '../src/index.js';
import { assertClose, seeded, valuesOn } from './helpers.js';

interface PThreadView {
  runningWorkers: { once(event: 'exit', listener: () => void): void }[];
  unusedWorkers: unknown[];
}

const quiet = { log: () => undefined };
/** The Emscripten module of the active wasm backend, as far as these tests look into it. */
const wasmModule = (): { PThread: PThreadView; wasmMemory: { buffer: { byteLength: number } } } =>
  (tf.backend() as BackendWasm).wasm as unknown as { PThread: PThreadView; wasmMemory: { buffer: { byteLength: number } } };
const pthreads = (): PThreadView => wasmModule().PThread;
const heapBytes = (): number => wasmModule().wasmMemory.buffer.byteLength;

/** A small training computation: conv forward (stride 1 and 2), a transposed conv, and every gradient, through our kernels too. */
function trainingLikeStep(): tf.Tensor[] {
  const x = tf.tensor4d(seeded([2, 12, 12, 8], 11), [2, 12, 12, 8]);
  const w1 = tf.tensor4d(seeded([3, 3, 8, 16], 12), [3, 3, 8, 16]);
  const w2 = tf.tensor4d(seeded([3, 3, 16, 16], 13), [3, 3, 16, 16]);
  const w3 = tf.tensor4d(seeded([3, 3, 8, 16], 14), [3, 3, 8, 16]);
  const loss = (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D): tf.Scalar => {
    const h = tf.relu(tf.conv2d(x, a, 1, 'same'));
    const down = tf.conv2d(h, b, 2, 'same');
    const up = tf.conv2dTranspose(down, c, [2, 12, 12, 8], 2, 'same');
    return tf.mean(tf.square(up));
  };
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D))([w1, w2, w3]);
  return [loss(w1, w2, w3), tf.matMul(tf.reshape(x, [24, 96]), tf.reshape(x, [96, 24])), ...grads];
}

// One process: these run in order and share the backend selection.
void describe('threaded wasm backend', () => {
  void it('gives the same results with 2 threads as with 1, and says how many it runs', async () => {
    const one = await initBackend({ backend: 'wasm', threads: 1, ...quiet });
    assert.equal(one.threads, 1);
    const single = await valuesOn('wasm', trainingLikeStep);
    const two = await initBackend({ backend: 'wasm', threads: 2, ...quiet });
    assert.equal(two.threads, 2);
    assert.equal(two.simd, true);
    assert.equal(pthreads().runningWorkers.length, 1, 'one pthread beside the main thread');
    const threaded = await valuesOn('wasm', trainingLikeStep);
    single.forEach((values, i) => assertClose(threaded[i]!, values, `output ${i}`, 1e-5));
  });

  void it('our kernels read the heap after it grows (shared memory): same gradients as the single-threaded build', async () => {
    // Each case starts on a fresh 16 MB heap that its gradients' allocations outgrow: im2col's 26 MB of patches
    // (batch 2), and the one-conv filter gradient with the stride-2 phase input gradient (batch 8, 6.5 MB tensors).
    // The single-threaded build (checked against cpu by the kernels' own tests) has an unshared heap, whose
    // growth detaches stale views (an error, never a silent misread): it is the reference here.
    const cases = [
      { what: 'im2col filter gradient', x: [2, 64, 64, 32], k: 5, co: 8, stride: 1 },
      { what: 'one-conv filter and phase input gradients', x: [8, 80, 80, 32], k: 5, co: 8, stride: 2 },
    ] as const;
    for (const c of cases) {
      const filterShape = [c.k, c.k, c.x[3], c.co];
      const compute = (): tf.Tensor[] => {
        const x = tf.tensor4d(seeded([...c.x], 21), [...c.x]);
        const filter = tf.tensor4d(seeded(filterShape, 22), filterShape as [number, number, number, number]);
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'same')));
        return tf.grads(f)([x, filter]);
      };
      await initBackend({ backend: 'wasm', threads: 1, ...quiet });
      const reference = await valuesOn('wasm', compute);
      await initBackend({ backend: 'wasm', threads: 2, ...quiet });
      const before = heapBytes();
      const threaded = await valuesOn('wasm', compute);
      assert.ok(heapBytes() > before, `${c.what}: the heap grew (${before} → ${heapBytes()} bytes)`);
      threaded.forEach((values, i) => assertClose(values, reference[i]!, `${c.what}, gradient ${i}`, 1e-5));
    }
  });

  void it('terminates its pthreads when the backend is disposed', async () => {
    await initBackend({ backend: 'wasm', threads: 2, ...quiet });
    await tf.setBackend('wasm');
    const view = pthreads();
    const exited = Promise.all(view.runningWorkers.map((w) => new Promise<void>((resolve) => w.once('exit', resolve))));
    await initBackend({ backend: 'wasm', threads: 1, ...quiet });
    await exited;
    assert.equal(view.runningWorkers.length, 0);
    assert.equal(view.unusedWorkers.length, 0);
  });

  void it('refuses a thread count outside 1 to 8 with a typed error', async () => {
    for (const threads of [0, 9, 1.5]) {
      await assert.rejects(initBackend({ backend: 'wasm', threads, ...quiet }), (e: unknown) => e instanceof UnsupportedOperationError && /threads must be an integer from 1 to 8/.test(e.message));
    }
  });

  // A script file, not --eval: worker threads inherit the process's execArgv, and Node refuses --input-type in a worker.
  void it('lets the process exit on its own, pthreads running', async () => {
    const script = `
      import { initBackend, tf } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};
      const info = await initBackend({ backend: 'wasm', threads: 2, log: () => undefined });
      const x = tf.ones([1, 16, 16, 8]);
      tf.conv2d(x, tf.ones([3, 3, 8, 8]), 1, 'same').dataSync();
      process.stdout.write(String(info.threads));`;
    const dir = await mkdtemp(join(tmpdir(), 'sim2real-threads-'));
    const file = join(dir, 'exit.mts');
    await writeFile(file, script);
    const child = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000 });
    await rm(dir, { recursive: true, force: true });
    assert.equal(child.signal, null, `the process did not exit on its own within 120 s: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '2');
  });
});
