import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { decodeImage, encodePng } from '@sim2real/imaging';
import { PRESETS, PRESET_NAMES } from '@sim2real/translation';
import { VGG_DIR, runBin, runMain } from './cli.js';


/** A deterministic RGB image of the given size. */
function pattern(width: number, height: number, seed: number): { width: number; height: number; data: Uint8Array } {
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 29 + seed * 67) % 256) };
}

let root: string;
let source: string;
let target: string;
let model: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-cli-'));
  source = path.join(root, 'source');
  target = path.join(root, 'target');
  model = path.join(root, 'model');
  await mkdir(path.join(source, 'digits', '7'), { recursive: true });
  await mkdir(target, { recursive: true });
  for (let i = 0; i < 3; i++) {
    await writeFile(path.join(source, 'digits', '7', `s${i}.png`), await encodePng(pattern(16, 16, i)));
    await writeFile(path.join(target, `t${i}.png`), await encodePng(pattern(16, 16, 10 + i)));
  }
  // Not the model's size: translate must return it at 20×12.
  await writeFile(path.join(source, 'wide.png'), await encodePng(pattern(20, 12, 5)));
  await writeFile(path.join(source, 'broken.png'), Buffer.from('this is not a PNG'));
});

test('train on 16 px images: skips the bad file, names it, exits 1, writes a loadable model', async () => {
  const { code, stdout, stderr } = await runBin([
    'train', '--source', source, '--target', target, '--out', model, '--preset', 'paper',
    '--size', '16', '--steps', '3', '--width', '4', '--blocks', '1', '--vgg', VGG_DIR, '--sample-every', '1',
  ]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /broken\.png/);
  assert.match(stderr, /1 input file was skipped/);
  assert.match(stdout, /model written to/);
  const manifest = JSON.parse(await readFile(path.join(model, 'sim2real-model.json'), 'utf8')) as { step: number };
  assert.equal(manifest.step, 3);
  assert.ok((await readdir(path.join(model, 'samples'))).length > 0);
  const log = (await readFile(path.join(model, 'train-log.jsonl'), 'utf8')).trim().split('\n');
  assert.ok(log.length > 0);
  assert.match(await readFile(path.join(model, 'report.html'), 'utf8'), /Trained: step 3 of 3/);
});

test('report rebuilds report.html of a model folder; a folder without a log is refused in one sentence', async () => {
  await writeFile(path.join(model, 'report.html'), 'stale');
  const { code, stdout, stderr } = await runMain(['report', model]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /report written to .*report\.html \(file:\/\//);
  const html = await readFile(path.join(model, 'report.html'), 'utf8');
  assert.match(html, /Trained: step 3 of 3 \(finished\)/);
  assert.equal([...html.matchAll(/<h3>step \d+/g)].length, 3, 'one sample grid per step (--sample-every 1)');
  const refused = await runMain(['report', source]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^sim2real report: .* holds no train-log\.jsonl; is it a model folder written by sim2real train\?\n$/);
  assert.equal((await runMain(['report'])).code, 2);
});

test('train: the preset, then --config, then the flags; a run too short to adapt is announced at start', async () => {
  const options = path.join(root, 'over-preset.json');
  // --config names another preset and sets the batch and the width; --preset and --width win over it.
  await writeFile(options, JSON.stringify({ preset: 'default', batchSize: 2, generatorWidth: 8, attentionWidth: 4, discriminatorWidth: 4, lambda: { step: 2e-6 } }));
  const out = path.join(root, 'preset-model');
  const { code, stderr } = await runBin([
    'train', '--source', target, '--target', target, '--out', out, '--preset', 'paper', '--config', options,
    '--size', '16', '--steps', '4', '--width', '4', '--blocks', '1', '--vgg', VGG_DIR,
  ]);
  assert.equal(code, 0, stderr);
  const { config } = JSON.parse(await readFile(path.join(out, 'sim2real-model.json'), 'utf8')) as { config: Record<string, unknown> & { lambda: Record<string, number> } };
  assert.equal(config.generatorWidth, 4, '--width wins over --config');
  assert.equal(config.batchSize, 2, '--config wins over the preset');
  assert.equal(config.noiseSize, 0, "--preset paper wins over --config's preset");
  assert.equal(config.discriminatorWidth, 4);
  assert.deepEqual([config.selfRegularisationPolarity, config.diversityWeight], ['same', 0], "what neither sets is the paper preset's");
  assert.deepEqual(config.lambda, { threshold: 2, step: 2e-6, intervalSteps: 2, max: 0.01 }, 'λ merges field by field; its interval scales with --steps');
  assert.match(stderr, /^warning: fewer than 2400 steps of 2 images \(4 given\)[^\n]*: expect little adaptation\.$/m);
  assert.match(stderr, /^warning: fewer than 600 images in a domain \(3 given\)/m);
  assert.match(stderr, /preset paper: 4 steps of 2, ngf 4, 1 blocks/);
  const unknown = await runBin(['train', '--source', target, '--target', target, '--out', out, '--preset', 'fast']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--preset must be one of default, faces, paper, got "fast"/);
});

test('train --help lists what each preset sets, from the presets table', async () => {
  const { code, stdout } = await runBin(['train', '--help']);
  assert.equal(code, 0);
  const section = stdout.slice(stdout.indexOf('Presets'));
  const text = section.replace(/\s+/g, ' ');
  for (const name of PRESET_NAMES) {
    assert.match(section, new RegExp(`^  ${name} `, 'm'));
    assert.ok(text.includes(PRESETS[name].summary), name);
    for (const [key, value] of Object.entries(PRESETS[name].options)) {
      const shown = typeof value === 'object' ? Object.entries(value).map(([inner, v]) => `${key}.${inner} ${String(v)}`) : [`${key} ${String(value)}`];
      for (const item of shown) assert.ok(text.includes(item), `${name}: ${item}`);
    }
  }
  assert.match(stdout, /--steps N .*\[default: 1200; paper: 2000\]/);
});

test('translate mirrors relative paths, keeps sizes and writes attention maps', async () => {
  const out = path.join(root, 'out');
  const attention = path.join(root, 'attention');
  const { code, stderr } = await runBin(['translate', '--model', model, '--in', source, '--out', out, '--attention-out', attention]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /skipped broken\.png/);
  for (const file of ['digits/7/s0.png', 'digits/7/s1.png', 'digits/7/s2.png', 'wide.png']) {
    const translated = await decodeImage(await readFile(path.join(out, file)), { name: file });
    const mask = await decodeImage(await readFile(path.join(attention, file)), { name: file });
    const expected = file === 'wide.png' ? [20, 12] : [16, 16];
    assert.deepEqual([translated.width, translated.height], expected);
    assert.deepEqual([mask.width, mask.height], expected);
  }
});

test('translate --draws writes each image under several noise draws of a model with a noise input', async () => {
  const noisy = path.join(root, 'noisy-model');
  const options = path.join(root, 'noise.json');
  await writeFile(options, JSON.stringify({ noiseSize: 2 }));
  const trained = await runBin([
    'train', '--source', target, '--target', target, '--out', noisy,
    '--size', '16', '--steps', '3', '--width', '4', '--blocks', '1', '--vgg', VGG_DIR, '--config', options,
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  const out = path.join(root, 'draws');
  const attention = path.join(root, 'draws-attention');
  const { code, stderr } = await runBin(['translate', '--model', noisy, '--in', target, '--out', out, '--attention-out', attention, '--draws', '2']);
  assert.equal(code, 0, stderr);
  assert.deepEqual((await readdir(out)).sort(), ['t0-draw1.png', 't0.png', 't1-draw1.png', 't1.png', 't2-draw1.png', 't2.png']);
  assert.deepEqual((await readdir(attention)).sort(), ['t0.png', 't1.png', 't2.png']);
  // Draw 0 is the translation without --draws (whether draws differ is the translator's test).
  const single = path.join(root, 'single-draw');
  assert.equal((await runBin(['translate', '--model', noisy, '--in', target, '--out', single])).code, 0);
  assert.deepEqual(await readFile(path.join(out, 't0.png')), await readFile(path.join(single, 't0.png')));
});

test('bad usage exits 2 with a sentence; a missing folder exits 1', async () => {
  const usage = await runBin(['train', '--source', source, '--target', target, '--out', model, '--size', 'big']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--size must be an integer/);
  const missing = await runBin(['translate', '--model', model, '--in', path.join(root, 'nope'), '--out', path.join(root, 'x')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope/);
  const draws = await runBin(['translate', '--model', model, '--in', source, '--out', path.join(root, 'x'), '--draws', '2']);
  assert.equal(draws.code, 2);
  assert.match(draws.stderr, /--draws 2 needs a model with a noise input/);
});
