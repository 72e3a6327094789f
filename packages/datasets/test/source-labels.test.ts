import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { LabelledFolderError, readFolderLabels, sourceLabelsOf } from '../src/index.js';

let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sim2real-source-labels-'));
});

after(() => rm(root, { recursive: true, force: true }));

/** A folder holding `files` (contents never read) and, when given, labels.jsonl lines. */
async function folder(name: string, files: string[], labels?: object[]): Promise<string> {
  const dir = path.join(root, name);
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), 'bytes are not read here');
  }
  if (labels) await writeFile(path.join(dir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n'));
  return dir;
}

test('class sub-folders give class indices in loaded-file order and the folder names as class names', async () => {
  const dir = await folder('classes', ['10/a.png', '2/b.png', '2/c/d.png']);
  const labels = await readFolderLabels(dir);
  assert.deepEqual(labels.kind === 'class' && labels.classNames, ['2', '10']);
  assert.deepEqual(sourceLabelsOf(labels, ['10/a.png', '2/c/d.png', '2/b.png'], dir), { kind: 'class', indices: [1, 0, 0], classNames: ['2', '10'] });
});

test('labels.jsonl gives class indices (names 0..max) or vectors of one length', async () => {
  const classes = await folder('jsonl-classes', ['a.png', 'b.png'], [{ file: 'a.png', label: 2 }, { file: 'b.png', label: 0 }]);
  assert.deepEqual(sourceLabelsOf(await readFolderLabels(classes), ['b.png', 'a.png'], classes), { kind: 'class', indices: [0, 2], classNames: ['0', '1', '2'] });
  const vectors = await folder('jsonl-vectors', ['a.png', 'b.png'], [{ file: 'a.png', label: [1, 2] }, { file: 'b.png', label: [3, 4] }]);
  const labels = await readFolderLabels(vectors);
  assert.deepEqual(labels.kind === 'vector' && labels.dimensions, 2);
  assert.deepEqual(sourceLabelsOf(labels, ['b.png', 'a.png'], vectors), { kind: 'vector', values: [[3, 4], [1, 2]] });
});

test('labels a task network cannot learn, and images without a label, are refused in one sentence', async () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['no labels', () => folder('none', ['a.png']).then((dir) => readFolderLabels(dir)), /a\.png has no label: put images in class sub-folders or list them in labels\.jsonl\.$/],
    ['opaque', () => folder('opaque', ['a.png'], [{ file: 'a.png', label: 'cat' }]).then((dir) => readFolderLabels(dir)), /the label of a\.png is opaque; /],
    ['mixed', () => folder('mixed', ['a.png', 'b.png'], [{ file: 'a.png', label: 1 }, { file: 'b.png', label: [1] }]).then((dir) => readFolderLabels(dir)), /the label of b\.png mixes class indices and vectors; /],
    ['lengths', () => folder('lengths', ['a.png', 'b.png'], [{ file: 'a.png', label: [1] }, { file: 'b.png', label: [1, 2] }]).then((dir) => readFolderLabels(dir)), /the label of b\.png has 2 values where others have 1\.$/],
    ['unlisted', () => folder('unlisted', ['a.png', 'b.png'], [{ file: 'a.png', label: 1 }]).then(async (dir) => sourceLabelsOf(await readFolderLabels(dir), ['a.png', 'b.png'], dir)), /: b\.png has no label\.$/],
  ];
  for (const [what, attempt, pattern] of cases) {
    await assert.rejects(attempt(), (error: unknown) => error instanceof LabelledFolderError && pattern.test(error.message), what);
  }
});

test('with `within`, a labels file linked from outside that folder is refused before it is read', async () => {
  const inside = await folder('within/data/linked', ['a.png']);
  await writeFile(path.join(root, 'within', 'outside.jsonl'), JSON.stringify({ file: 'a.png', label: 1 }));
  await symlink(path.join(root, 'within', 'outside.jsonl'), path.join(inside, 'labels.jsonl'));
  await assert.rejects(readFolderLabels(inside, { within: path.join(root, 'within', 'data') }), /labels\.jsonl links to a file outside the folders this may read\.$/);
  assert.equal((await readFolderLabels(inside, { within: path.join(root, 'within') })).kind, 'class', 'a link within the folder is read');
  assert.equal((await readFolderLabels(inside)).kind, 'class', 'no check without `within`');
});
