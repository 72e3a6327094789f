import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BackendUnavailableError, backendInfo, initBackend, tf } from '../src/index.js';

const require = createRequire(import.meta.url);
const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nativePresent = NATIVE.some(installed);

function capture(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

// One process per test file: these run in order and share the module's selection state.
void describe('initBackend', () => {
  void it('selects cpu when forced, logs one JSON line, and is idempotent', async () => {
    assert.equal(backendInfo(), undefined);
    const { lines, log } = capture();
    const info = await initBackend({ backend: 'cpu', log });
    assert.deepEqual(info, { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', requested: 'cpu', tried: [] });
    assert.equal(tf.getBackend(), 'cpu');
    const again = await initBackend({ backend: 'cpu', log });
    assert.equal(again, info);
    assert.equal(lines.length, 1);
    const logged = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(logged.event, 'tfjs_backend');
    assert.equal(logged.backend, 'cpu');
    assert.equal(typeof logged.initMs, 'number');
    assert.equal(backendInfo(), info);
  });

  void it('selects wasm when forced, with the SIMD build and the Conv2DBackpropFilter gap filled', async () => {
    const { lines, log } = capture();
    const info = await initBackend({ backend: 'wasm', log });
    assert.deepEqual(info, { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', requested: 'wasm', tried: [], simd: true, threads: 1 });
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
    assert.equal(lines.length, 1);
  });

  void it('auto skips the native packages that cannot load, saying why, and lands on wasm', { skip: nativePresent && 'a native tfjs package is installed here' }, async () => {
    const { lines, log } = capture();
    const info = await initBackend({ backend: 'auto', log });
    assert.equal(info.name, 'wasm');
    assert.equal(info.requested, 'auto');
    assert.deepEqual(info.tried.map((t) => t.package), NATIVE);
    for (const tried of info.tried) {
      assert.match(tried.error, /tfjs-node/);
      assert.ok(!tried.error.includes('\n'));
    }
    const logged = JSON.parse(lines[0]!) as { tried: unknown[] };
    assert.equal(logged.tried.length, 2);
  });

  void it('a forced backend that cannot load is a typed error, and the previous backend stays', { skip: installed('@tensorflow/tfjs-node') && 'tfjs-node is installed here' }, async () => {
    const previous = backendInfo();
    await assert.rejects(initBackend({ backend: 'tensorflow', log: () => undefined }), (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(error.name, 'BackendUnavailableError');
      assert.equal(error.backend, 'tensorflow');
      assert.equal(error.package, '@tensorflow/tfjs-node');
      assert.match(error.message, /^TensorFlow\.js backend 'tensorflow' \(@tensorflow\/tfjs-node\) could not be loaded: /);
      assert.ok(error.cause);
      return true;
    });
    assert.equal(backendInfo(), previous);
    assert.equal(tf.getBackend(), 'wasm');
  });
});
