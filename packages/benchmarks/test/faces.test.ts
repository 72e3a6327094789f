import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { decodeImage } from '@sim2real/imaging';
import { resolveTranslationConfig, type ModelManifest } from '@sim2real/translation';
import { FACES_SCRIPT, runFacesBenchmark } from '../src/index.js';
import { VGG_DIR, runBenchmark } from './bench.js';

const run = (argv: string[]) => runBenchmark(FACES_SCRIPT, runFacesBenchmark, argv);


let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-bench-faces-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('bench:faces end to end at 16 px: table, results.json with the three rows, strip, test set', async () => {
  const out = path.join(root, 'tiny');
  const { code, stdout, stderr } = await run([
    '--out', out, '--size', '16', '--train', '12', '--test', '6', '--steps', '2',
    '--translator-steps', '3', '--eval-coefficients', '4', '--seed', '3', '--vgg', VGG_DIR,
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /baseline\s+sim renders\s+\d+\.\d{4}/);
  assert.match(stdout, /adapted\s+translated sim renders \(ours\)\s+\d+\.\d{4}/);
  assert.match(stdout, /oracle\s+real-style faces\s+\d+\.\d{4}/);

  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as Record<string, unknown> & {
    config: { size: number; trainFaces: number; testFaces: number; evalCoefficients: number; translatorSteps: number };
    backend: { name: string };
    rows: { name: string; mse: number; per_coefficient_mse: number[] }[];
  };
  for (const key of ['baseline_mse', 'adapted_mse', 'oracle_mse', 'wall_time_s', 'baseline_over_oracle', 'gap_closed']) {
    assert.equal(typeof results[key], 'number', key);
    assert.ok(Number.isFinite(results[key]), `${key} = ${String(results[key])}`);
  }
  for (const key of ['baseline_mse', 'adapted_mse', 'oracle_mse', 'wall_time_s']) assert.ok((results[key] as number) > 0, key);
  assert.equal(results.seed, 3);
  assert.equal(results.backend.name, 'wasm');
  assert.deepEqual(
    [results.config.size, results.config.trainFaces, results.config.testFaces, results.config.evalCoefficients, results.config.translatorSteps],
    [16, 12, 6, 4, 3],
  );
  // The face translator: the 'faces' preset (batch 4, the paper's self-regularisation).
  const translator = (results.config as unknown as { translator: Record<string, unknown> }).translator;
  assert.deepEqual(translator, JSON.parse(JSON.stringify(resolveTranslationConfig({ preset: 'faces', imageSize: 16, steps: 3, seed: 4 }))));
  assert.deepEqual([translator.batchSize, translator.selfRegularisationPolarity, translator.noiseSize, translator.generatorWidth], [4, 'same', 10, 16]);
  assert.deepEqual(results.rows.map((r) => r.name), ['baseline', 'adapted', 'oracle']);
  assert.equal(results.rows[1]!.mse, results.adapted_mse);
  for (const row of results.rows) {
    assert.equal(row.per_coefficient_mse.length, 4);
    const mean = row.per_coefficient_mse.reduce((a, b) => a + b, 0) / 4;
    assert.ok(Math.abs(mean - row.mse) < 1e-4, `${row.name}: per-coefficient mean ${mean} vs ${row.mse}`);
  }
  assert.equal(typeof (results.goals as Record<string, unknown>).baseline_at_least_1_3x_oracle, 'boolean');

  // Six rows of sim | translated | attention | real twin, 64 px cells with 2 px gaps.
  const strip = await decodeImage(await readFile(path.join(out, 'strip.png')), { name: 'strip.png' });
  assert.deepEqual([strip.width, strip.height], [2 + 4 * 66, 2 + 6 * 66]);
  const testFiles = await readdir(path.join(out, 'test'));
  assert.equal(testFiles.filter((f) => f.endsWith('.png')).length, 6);
  assert.ok(testFiles.includes('labels.jsonl'));
});

test('bench:faces --label-consistent adds the row of a translator trained on the first K coefficients', async () => {
  const out = path.join(root, 'labels');
  const { code, stdout, stderr } = await run([
    '--out', out, '--size', '16', '--train', '12', '--test', '6', '--steps', '2',
    '--translator-steps', '3', '--eval-coefficients', '4', '--seed', '3', '--vgg', VGG_DIR, '--label-consistent',
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /label_consistent\s+translated sim renders \(ours, label-consistent\)\s+\d+\.\d{4}/);
  assert.match(stdout, /gap closed by ours, label-consistent = -?\d+ % \(goal ≥ 85 %\)/);
  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as Record<string, unknown> & { rows: { name: string; mse: number }[] };
  assert.deepEqual(results.rows.map((r) => r.name), ['baseline', 'adapted', 'label_consistent', 'oracle']);
  assert.equal(results.rows[2]!.mse, results.label_consistent_mse);
  assert.ok(Number.isFinite(results.gap_closed_label_consistent));
  const manifest = JSON.parse(await readFile(path.join(out, 'translator-label-consistent', 'sim2real-model.json'), 'utf8')) as ModelManifest;
  assert.deepEqual([manifest.config.labelConsistent, manifest.labelConsistency?.kind === 'vector' && manifest.labelConsistency.dimensions], [true, 4]);
});

test('bench:faces: a size that is not a multiple of 16 exits 2 with a sentence', async () => {
  const { code, stderr } = await run(['--out', path.join(root, 'bad'), '--size', '24']);
  assert.equal(code, 2);
  assert.match(stderr, /--size must be a multiple of 16/);
});
