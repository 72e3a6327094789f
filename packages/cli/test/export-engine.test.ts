import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { decodeImage, encodePng } from '@sim2real/imaging';
import { trainTinyModel } from '@sim2real/translation/testing';
import { VGG_DIR, runBin } from './cli.js';

let root: string;
let images: string;

function pattern(seed: number): { width: number; height: number; data: Uint8Array } {
  return { width: 16, height: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 31 + seed * 71) % 256) };
}

function engineLine(stderr: string): { engine: string; reason: string } {
  const line = stderr.split('\n').find((l) => l.includes('"inference_engine"'));
  assert.ok(line, `no engine line in: ${stderr}`);
  return JSON.parse(line) as { engine: string; reason: string };
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-export-'));
  images = path.join(root, 'images');
  await mkdir(images, { recursive: true });
  for (let i = 0; i < 3; i++) await writeFile(path.join(images, `i${i}.png`), await encodePng(pattern(i)));
});
after(() => rm(root, { recursive: true, force: true }));

test('train exports model.onnx when it finishes; translate runs it on onnx, and --engine tfjs agrees', async () => {
  const model = path.join(root, 'trained');
  const trained = await runBin(['train', '--source', images, '--target', images, '--out', model, '--size', '16', '--steps', '3', '--width', '4', '--blocks', '1', '--vgg', VGG_DIR]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /ONNX export written to .*model\.onnx/);
  const manifest = JSON.parse(await readFile(path.join(model, 'sim2real-model.json'), 'utf8')) as { onnx?: { sha256: string } };
  assert.match(manifest.onnx?.sha256 ?? '', /^[0-9a-f]{64}$/);

  const outs: Record<string, string> = {};
  for (const engine of ['onnx', 'tfjs']) {
    outs[engine] = path.join(root, `out-${engine}`);
    const run = await runBin(['translate', '--model', model, '--in', images, '--out', outs[engine], '--engine', engine, '--threads', '1']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((engineLine(run.stderr)).engine, engine);
  }
  for (let i = 0; i < 3; i++) {
    const [a, b] = await Promise.all(['onnx', 'tfjs'].map(async (e) => decodeImage(await readFile(path.join(outs[e]!, `i${i}.png`)), { name: e })));
    const worst = a!.data.reduce((m, v, k) => Math.max(m, Math.abs(v - b!.data[k]!)), 0);
    assert.ok(worst <= 1, `pixels differ by ${worst}`);
  }
});

test('a version trained before ONNX export translates on tfjs, export upgrades it, and --engine is validated', async () => {
  const model = path.join(root, 'old');
  await trainTinyModel(model);
  const before = await runBin(['translate', '--model', model, '--in', images, '--out', path.join(root, 'old-out')]);
  assert.equal(before.code, 0, before.stderr);
  const first = engineLine(before.stderr);
  assert.equal(first.engine, 'tfjs');
  assert.match(first.reason, /no ONNX export; run 'sim2real export/);
  const forced = await runBin(['translate', '--model', model, '--in', images, '--out', path.join(root, 'old-out'), '--engine', 'onnx']);
  assert.equal(forced.code, 1);
  assert.match(forced.stderr, /The onnx engine cannot run .*no ONNX export/);

  const exported = await runBin(['export', '--model', model]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /ONNX export written to/);
  const after = await runBin(['translate', '--model', model, '--in', images, '--out', path.join(root, 'new-out')]);
  assert.equal((engineLine(after.stderr)).engine, 'onnx');

  const bad = await runBin(['translate', '--model', model, '--in', images, '--out', path.join(root, 'x'), '--engine', 'gpu']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--engine must be one of auto, onnx, tfjs, got "gpu"/);
  const missing = await runBin(['export', '--model', path.join(root, 'nothing')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /sim2real-model\.json is missing/);
});
