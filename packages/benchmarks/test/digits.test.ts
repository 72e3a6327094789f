import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { decodeImage } from '@sim2real/imaging';
import { PRESETS, type ModelManifest } from '@sim2real/translation';
import { DIGITS_SCRIPT, runDigitsBenchmark } from '../src/index.js';
import { VGG_DIR, runBenchmark } from './bench.js';

const run = (argv: string[]) => runBenchmark(DIGITS_SCRIPT, runDigitsBenchmark, argv);

let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-bench-digits-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('bench:digits runs two seeds end to end in worker processes: results.json, table, strip, translator and translated folders', async () => {
  const out = path.join(root, 'bench');
  const { code, stdout, stderr } = await run([
    '--out', out, '--seeds', '3,4', '--parallel', '2', '--source', '40', '--target-train', '40', '--target-test', '30',
    '--size', '16', '--steps', '4', '--translator-steps', '3', '--translator-batch', '2', '--vgg', VGG_DIR,
  ]);
  assert.equal(code, 0, stderr);

  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as Record<string, unknown>;
  for (const key of ['source_only', 'initial', 'final', 'oracle', 'label_preservation']) {
    const value = results[key];
    assert.ok(typeof value === 'number' && value >= 0 && value <= 1, `${key} = ${String(value)} is not a fraction`);
    assert.match(stdout, new RegExp(`^${key} `, 'm'));
  }
  assert.deepEqual(results.seeds, [3, 4]);
  assert.equal((results.backend as { name: string }).name, 'wasm');
  assert.ok(typeof results.wall_time_s === 'number' && results.wall_time_s > 0);
  const perSeed = results.per_seed as { seed: number; final: number }[];
  assert.deepEqual(perSeed.map((r) => r.seed), [3, 4]);
  assert.ok(Math.abs((perSeed[0]!.final + perSeed[1]!.final) / 2 - (results.final as number)) < 1e-9, 'final is the mean over the seeds');
  const spread = (results.spread as Record<string, { std: number; min: number; max: number }>).final!;
  assert.ok(spread.min <= (results.final as number) && (results.final as number) <= spread.max && spread.std >= 0);

  // 8 rows of source | translated | attention | target, cells of 64 px with 2 px gaps.
  const strip = await decodeImage(await readFile(path.join(out, 'strip.png')));
  assert.deepEqual([strip.width, strip.height], [2 + 4 * 66, 2 + 8 * 66]);

  // The translator was trained with the bench's options, and the translation mirrored the class folders.
  const manifest = JSON.parse(await readFile(path.join(out, 'seed-3', 'translator', 'sim2real-model.json'), 'utf8')) as {
    step: number;
    config: Record<string, unknown>;
  };
  assert.equal(manifest.step, 3);
  // The default preset, with the bench's steps, batch, size and seed.
  const { lambda: _lambda, samplesPerRun: _samples, checkpointsPerRun: _checkpoints, steps: _steps, batchSize: _batch, ...preset } = PRESETS.default.options;
  for (const [key, value] of Object.entries(preset)) assert.deepEqual(manifest.config[key], value, key);
  assert.deepEqual([manifest.config.steps, manifest.config.batchSize, manifest.config.imageSize], [3, 2, 16]);
  assert.equal((results.per_seed as { translator_batch: number }[])[0]!.translator_batch, 2);
  const sourceClasses = await readdir(path.join(out, 'seed-3', 'source'));
  assert.deepEqual((await readdir(path.join(out, 'seed-3', 'translated'))).sort(), sourceClasses.sort());
  // Two looks of each source digit (the default --draws 2) for the initial and final rows.
  const [someClass] = sourceClasses;
  const sourceDigits = await readdir(path.join(out, 'seed-3', 'source', someClass!));
  const translatedDigits = await readdir(path.join(out, 'seed-3', 'translated', someClass!));
  assert.deepEqual(translatedDigits.sort(), sourceDigits.flatMap((file) => [file, file.replace('.png', '-draw1.png')]).sort());
});

test('bench:digits --dataset fashion --preset paper --label-consistent: Fashion-MNIST over photos, the paper preset, a label-consistent row', async () => {
  const out = path.join(root, 'fashion');
  const small = path.join(root, 'small-translator.json');
  await writeFile(small, JSON.stringify({ generatorWidth: 4, residualBlocks: 1, attentionWidth: 4, discriminatorWidth: 4 }));
  const { code, stdout, stderr } = await run([
    '--dataset', 'fashion', '--preset', 'paper', '--translator-config', small, '--out', out, '--seeds', '0', '--source', '30',
    '--target-train', '30', '--target-test', '20', '--size', '16', '--steps', '2', '--translator-steps', '3', '--vgg', VGG_DIR, '--label-consistent',
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Fashion-MNIST → Fashion-MNIST-M benchmark, preset paper: accuracy \(%\) on 20 Fashion-MNIST-M test clothing images/m);
  assert.match(stdout, /^source_only +Fashion-MNIST \(source only\)/m);
  // Every translated row reports the labels it keeps; the label-consistent translator has its own.
  for (const row of ['initial', 'final', 'label_consistent']) assert.match(stdout, new RegExp(`^${row} .* \\d+\\.\\d +\\d+\\.\\d +\\d+\\.\\d$`, 'm'), row);
  assert.match(stdout, /^source_only .* —/m);
  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as Record<string, unknown>;
  assert.match(results.benchmark as string, /^fashion: /);
  assert.ok('final_closes_60_percent_of_the_gap' in (results.goals as object));
  for (const key of ['label_consistent', 'label_preservation_label_consistent', 'label_preservation_initial', 'label_preservation']) {
    const value = results[key];
    assert.ok(typeof value === 'number' && value >= 0 && value <= 1, `${key} = ${String(value)} is not a fraction`);
  }
  assert.deepEqual(Object.keys(results.gap_closed as object), ['initial', 'final', 'label_consistent']);
  const labelled = JSON.parse(await readFile(path.join(out, 'seed-0', 'translator-label-consistent', 'sim2real-model.json'), 'utf8')) as ModelManifest;
  assert.equal(labelled.config.labelConsistent, true);
  assert.deepEqual(labelled.labelConsistency?.kind === 'class' && labelled.labelConsistency.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const { config } = JSON.parse(await readFile(path.join(out, 'seed-0', 'translator', 'sim2real-model.json'), 'utf8')) as { config: Record<string, unknown> };
  // The paper preset (no noise: one draw of each image by default), under --translator-config's widths.
  assert.deepEqual([config.noiseSize, config.batchSize, config.selfRegularisationPolarity, config.steps], [0, 1, 'same', 3]);
  assert.deepEqual([config.generatorWidth, config.residualBlocks], [4, 1]);
  assert.equal((results.config as { draws: number }).draws, 1);
  assert.ok((await readdir(path.join(out, 'seed-0', 'source'))).every((label) => /^[0-9]$/.test(label)), 'class folders 0–9');
});

test('bench:digits refuses bad seeds and datasets with one sentence', async () => {
  const notIntegers = await run(['--out', path.join(root, 'bad'), '--seeds', '1,x']);
  assert.equal(notIntegers.code, 2);
  assert.match(notIntegers.stderr, /--seeds must be integers from 0 to \d+ separated by commas, got "1,x"/);
  const repeated = await run(['--out', path.join(root, 'bad'), '--seeds', '1,1']);
  assert.equal(repeated.code, 2);
  assert.match(repeated.stderr, /--seeds must be distinct integers, got "1,1"/);
  const dataset = await run(['--out', path.join(root, 'bad'), '--dataset', 'cifar']);
  assert.equal(dataset.code, 2);
  assert.match(dataset.stderr, /--dataset must be one of digits, fashion, got "cifar"/);
});

test('bench:digits --help lists every flag with its default', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: npm run bench:digits -- /);
  for (const flag of Object.keys(DIGITS_SCRIPT.flags)) assert.match(stdout, new RegExp(`^  --${flag}\\b`, 'm'), flag);
  assert.match(stdout, /--source N +labelled source images \[default: 2000; quick 300\]/);
});
