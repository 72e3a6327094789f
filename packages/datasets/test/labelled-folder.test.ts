import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LabelledFolderError, readLabelledFolder, type LabelledSample } from '../src/index.js';

let root: string;

async function collect(dir: string, options?: Parameters<typeof readLabelledFolder>[1]): Promise<LabelledSample[]> {
  const samples: LabelledSample[] = [];
  for await (const sample of readLabelledFolder(dir, options)) samples.push(sample);
  return samples;
}

async function files(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), 'bytes are not read here');
  }
}

/** A folder with images a.png, b/c.jpg and the given labels.jsonl text. */
async function jsonlFolder(name: string, text: string): Promise<string> {
  const dir = path.join(root, name);
  await files(dir, ['a.png', 'b/c.jpg']);
  await writeFile(path.join(dir, 'labels.jsonl'), text);
  return dir;
}

async function rejectsAtLine(dir: string, line: number, pattern: RegExp): Promise<void> {
  await assert.rejects(collect(dir), (error: unknown) => {
    assert.ok(error instanceof LabelledFolderError, String(error));
    assert.equal(error.line, line);
    assert.ok(error.message.includes(`labels.jsonl line ${line}: `), error.message);
    assert.match(error.message, pattern);
    assert.match(error.message, /^[^\n]+\.$/);
    return true;
  });
}

void before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'datasets-labelled-'));
});

void after(async () => {
  await rm(root, { recursive: true, force: true });
});

void describe('readLabelledFolder with class sub-folders', () => {
  void it('labels by sorted sub-folder position, numerically for integer names, recursively', async () => {
    const dir = path.join(root, 'digits');
    await files(dir, ['10/x.png', '2/b.png', '2/a.jpeg', '2/deep/z.jpg', '2/notes.txt', '2/.hidden.png', '7/q.PNG', '.cache/y.png']);
    const samples = await collect(dir);
    assert.deepEqual(
      samples.map((s) => [s.id, s.label, s.className]),
      [
        ['2/a.jpeg', { kind: 'classIndex', value: 0 }, '2'],
        ['2/b.png', { kind: 'classIndex', value: 0 }, '2'],
        ['2/deep/z.jpg', { kind: 'classIndex', value: 0 }, '2'],
        ['7/q.PNG', { kind: 'classIndex', value: 1 }, '7'],
        ['10/x.png', { kind: 'classIndex', value: 2 }, '10'],
      ],
    );
    assert.equal(samples[0]!.file, path.join(dir, '2/a.jpeg'));
  });

  void it('sorts non-numeric class names by code unit', async () => {
    const dir = path.join(root, 'animals');
    await files(dir, ['dog/1.png', 'cat/1.png', 'Zebra/1.png']);
    assert.deepEqual((await collect(dir)).map((s) => [s.className, s.label]), [
      ['Zebra', { kind: 'classIndex', value: 0 }],
      ['cat', { kind: 'classIndex', value: 1 }],
      ['dog', { kind: 'classIndex', value: 2 }],
    ]);
  });

  void it('refuses images without a class, empty folders and missing folders', async () => {
    const stray = path.join(root, 'stray');
    await files(stray, ['cls/a.png', 'loose.png']);
    await assert.rejects(collect(stray), { name: 'LabelledFolderError', file: 'loose.png', message: /loose\.png has no label/ });
    const empty = path.join(root, 'empty');
    await files(empty, ['readme.txt']);
    await assert.rejects(collect(empty), { name: 'LabelledFolderError', message: /neither labels\.jsonl nor class sub-folders/ });
    await assert.rejects(collect(path.join(root, 'missing')), { name: 'LabelledFolderError', message: /cannot be read as a folder \(ENOENT\)/ });
  });

  void it('is lazy: the first sample arrives without walking the other classes', async () => {
    const dir = path.join(root, 'lazy');
    await files(dir, ['a/1.png', 'b/1.png']);
    const iterator = readLabelledFolder(dir);
    const first = await iterator.next();
    assert.equal(first.done, false);
    await files(dir, ['b/0.png']);
    assert.equal((await iterator.next()).value?.id, 'b/0.png', 'class b was only listed after the first sample');
  });
});

void describe('readLabelledFolder with labels.jsonl', () => {
  void it('reads class indices, vectors and opaque strings in file order', async () => {
    const dir = await jsonlFolder('jsonl', '{"file": "b/c.jpg", "label": [0.5, -1.25, 3e-3]}\n\n{"file": "./a.png", "label": 4}\r\n');
    assert.deepEqual(await collect(dir), [
      { id: 'b/c.jpg', file: path.join(dir, 'b/c.jpg'), label: { kind: 'vector', values: [0.5, -1.25, 0.003] } },
      { id: 'a.png', file: path.join(dir, 'a.png'), label: { kind: 'classIndex', value: 4 } },
    ]);
    await writeFile(path.join(dir, 'labels.jsonl'), '{"file": "a.png", "label": "Zoë"}\n');
    assert.deepEqual((await collect(dir))[0]!.label, { kind: 'opaque', bytes: new TextEncoder().encode('Zoë') });
  });

  void it('takes the labels file name as an option', async () => {
    const dir = await jsonlFolder('named', '');
    await writeFile(path.join(dir, 'meta.jsonl'), '{"file": "a.png", "label": 1}\n');
    assert.deepEqual((await collect(dir, { labelsFile: 'meta.jsonl' })).map((s) => s.id), ['a.png']);
  });

  void it('refuses bad lines with the line number and a reason', async () => {
    const ok = '{"file": "a.png", "label": 1}\n';
    const cases: [string, RegExp][] = [
      ['{"file": "a.png", "label": 1', /not valid JSON/],
      ['[1, 2]', /not a JSON object/],
      ['{"label": 1}', /"file" must be a non-empty string/],
      ['{"file": "../outside.png", "label": 1}', /inside the folder/],
      ['{"file": "/etc/x.png", "label": 1}', /inside the folder/],
      ['{"file": "b/c.gif", "label": 1}', /\.png, \.jpg or \.jpeg/],
      ['{"file": "missing.png", "label": 1}', /"missing\.png" does not exist/],
      ['{"file": "a.png", "label": 1}', /"a\.png" is listed twice/],
      ['{"file": "b/c.jpg", "label": -1}', /non-negative integer, got -1/],
      ['{"file": "b/c.jpg", "label": 1.5}', /non-negative integer, got 1\.5/],
      ['{"file": "b/c.jpg", "label": [1, "2"]}', /element 1 is "2"/],
      ['{"file": "b/c.jpg", "label": []}', /must not be empty/],
      ['{"file": "b/c.jpg", "label": true}', /class index \(number\), a vector \(number\[\]\) or opaque \(string\), got true/],
      ['{"file": "b/c.jpg"}', /got nothing/],
    ];
    for (const [index, [line, pattern]] of cases.entries()) {
      const dir = await jsonlFolder(`bad-${index}`, `${ok}\n${line}\n`);
      await rejectsAtLine(dir, 3, pattern);
    }
  });

  void it('stops when aborted', async () => {
    const dir = await jsonlFolder('abort', '{"file": "a.png", "label": 1}\n{"file": "b/c.jpg", "label": 2}\n');
    const controller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const sample of readLabelledFolder(dir, { signal: controller.signal })) {
          seen.push(sample.id);
          controller.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.deepEqual(seen, ['a.png']);
  });
});
