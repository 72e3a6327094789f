import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { encodePng } from '@sim2real/imaging';
import type { ModelManifest } from '@sim2real/translation';
import { TEST_BACKEND, VGG_DIR, runMain } from './cli.js';

const run = (argv: string[]) => runMain(argv, { TFJS_BACKEND: TEST_BACKEND });

/** A deterministic 16 px RGB image. */
const pattern = (seed: number) => ({ width: 16, height: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 29 + seed * 67) % 256) });

let root: string;
let target: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-train-labels-'));
  target = path.join(root, 'target');
  await mkdir(target);
  for (let i = 0; i < 4; i++) await writeFile(path.join(target, `t${i}.png`), await encodePng(pattern(10 + i)));
});

after(() => rm(root, { recursive: true, force: true }));

/** Writes `files` (relative paths) as 16 px PNGs under a fresh folder `name`, and `labels.jsonl` lines when given. */
async function folder(name: string, files: string[], labels?: object[]): Promise<string> {
  const dir = path.join(root, name);
  for (const [i, file] of files.entries()) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), await encodePng(pattern(i)));
  }
  if (labels) await writeFile(path.join(dir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n'));
  return dir;
}

const TINY_TRAIN = ['--preset', 'paper', '--size', '16', '--steps', '3', '--width', '4', '--blocks', '1', '--vgg', VGG_DIR, '--config'];

/** `sim2real train --source-labels` of `source` into a fresh model folder; the tiny model's options go in a --config file. */
async function trainLabelled(source: string, name: string) {
  const options = path.join(root, 'tiny.json');
  await writeFile(options, JSON.stringify({ attentionWidth: 4, discriminatorWidth: 4, historyPoolSize: 2, taskNetworkWidth: 4 }));
  const out = path.join(root, name);
  const result = await run(['train', '--source', source, '--target', target, '--out', out, '--source-labels', ...TINY_TRAIN, options]);
  return { ...result, out };
}

const manifestOf = async (out: string): Promise<ModelManifest> => JSON.parse(await readFile(path.join(out, 'sim2real-model.json'), 'utf8')) as ModelManifest;

test('train --source-labels on a folder without labels is refused in one sentence, exit 2', async () => {
  const source = await folder('unlabelled', ['a.png', 'b.png']);
  const { code, stderr, out } = await trainLabelled(source, 'model-unlabelled');
  assert.equal(code, 2, stderr);
  assert.match(stderr, /^sim2real train: --source-labels: .*a\.png has no label: put images in class sub-folders or list them in labels\.jsonl\.\n/);
  await assert.rejects(readFile(path.join(out, 'sim2real-model.json')), 'nothing was trained');
});

test('train --source-labels refuses an image that labels.jsonl does not list, and opaque labels', async () => {
  const unlisted = await folder('unlisted', ['a.png', 'b.png'], [{ file: 'a.png', label: 1 }]);
  const first = await trainLabelled(unlisted, 'model-unlisted');
  assert.equal(first.code, 2, first.stderr);
  assert.match(first.stderr, /--source-labels: .*: b\.png has no label\./);
  const opaque = await folder('opaque', ['a.png'], [{ file: 'a.png', label: 'cat' }]);
  const second = await trainLabelled(opaque, 'model-opaque');
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /the label of a\.png is opaque; a task network learns class indices or vectors of one length\./);
});

test('train --source-labels learns class sub-folders; the model records them and translates without labels', async () => {
  const source = await folder('classes', ['red/1.png', 'red/2.png', 'blue/1.png', 'blue/2.png']);
  const { code, stderr, out } = await trainLabelled(source, 'model-classes');
  assert.equal(code, 0, stderr);
  assert.match(stderr, /label-consistent on 2 classes/);
  const manifest = await manifestOf(out);
  assert.equal(manifest.config.labelConsistent, true);
  assert.equal(manifest.labelConsistency?.kind, 'class');
  assert.deepEqual(manifest.labelConsistency.kind === 'class' && [manifest.labelConsistency.classCount, manifest.labelConsistency.classNames], [2, ['blue', 'red']]);
  // `models` lists it as label-consistent (a registry folder holds it as NAME/VERSION).
  const registry = path.join(root, 'registry-classes');
  await cp(out, path.join(registry, 'classes', 'v1'), { recursive: true });
  const models = await run(['models', 'list', '--registry', registry]);
  assert.equal(models.code, 0, models.stderr);
  assert.match(models.stdout, /^classes@v1 {2}complete {2}16 px, label-consistent on 2 classes {2}created /m);

  const translated = path.join(root, 'translated');
  const translate = await run(['translate', '--model', out, '--in', source, '--out', translated]);
  assert.equal(translate.code, 0, translate.stderr);
  await readFile(path.join(translated, 'red', '1.png'));
});

test('train --source-labels learns vectors from labels.jsonl (the regression head)', async () => {
  const labels = [0, 1, 2].map((i) => ({ file: `f${i}.png`, label: [i, -i, 0.5] }));
  const source = await folder('vectors', ['f0.png', 'f1.png', 'f2.png'], labels);
  const { code, stderr, out } = await trainLabelled(source, 'model-vectors');
  assert.equal(code, 0, stderr);
  assert.match(stderr, /label-consistent on 3-value label vectors/);
  const record = (await manifestOf(out)).labelConsistency;
  assert.deepEqual(record?.kind === 'vector' && record.dimensions, 3);
});
