import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportOnnx } from '@sim2real/onnx-export';
import { pngOf, startTestServer, tempDir, trainTinyModel } from './helpers.js';
import type { RunningServer } from './helpers.js';

let registry: { dir: string; remove: () => Promise<void> };
let running: RunningServer & { logs: Record<string, unknown>[] };

before(async () => {
  registry = await tempDir('engine');
  await trainTinyModel(path.join(registry.dir, 'faces', 'v1'));
  await trainTinyModel(path.join(registry.dir, 'faces', 'v2'));
  await exportOnnx(path.join(registry.dir, 'faces', 'v2'));
  running = await startTestServer({ registryDir: registry.dir, inferenceThreads: 1 });
});
after(async () => {
  await running.close();
  await registry.remove();
});

test('versions with model.onnx serve on onnx, older ones on tfjs; GetModel, ListModels, logs and stats say which', async () => {
  const listed = await running.client.listModels();
  assert.deepEqual(listed.models[0]?.versions.map((v) => [v.version, v.engine]), [['v1', 'tfjs'], ['v2', 'onnx']]);
  const image = { data: await pngOf(16, 16, 3), encoding: 'ENCODING_PNG' as const, width: 16, height: 16 };
  for (const version of ['v1', 'v2']) {
    const response = await running.client.translate({ requestId: version, model: `faces@${version}`, images: [image, image], includeAttention: true });
    assert.equal(response.results.length, 2);
    assert.ok(response.results[0]?.attention?.data.length);
  }
  const loaded = running.logs.filter((l) => l.event === 'model_loaded').map((l) => [l.model, l.engine]);
  assert.deepEqual(loaded, [['faces@v1', 'tfjs'], ['faces@v2', 'onnx']]);
  assert.match(String(running.logs.find((l) => l.model === 'faces@v1')?.engineReason), /no ONNX export/);
  assert.deepEqual(running.server.stats().imagesByEngine, { tfjs: 2, onnx: 2 });
  const got = await running.client.getModel('faces@v2');
  assert.equal(got.versions[0]?.engine, 'onnx');
});

test('--engine tfjs serves every version on tfjs', async () => {
  const forced = await startTestServer({ registryDir: registry.dir, engine: 'tfjs' });
  try {
    const listed = await forced.client.listModels();
    assert.deepEqual(listed.models[0]?.versions.map((v) => v.engine), ['tfjs', 'tfjs']);
  } finally {
    await forced.close();
  }
});
