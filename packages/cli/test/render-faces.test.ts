import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodeImage } from '@sim2real/imaging';
import { runMain } from './cli.js';

void test('render faces writes a labelled folder that train reads; same seed, same labels in both styles', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'sim2real-render-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const style of ['sim', 'real']) {
    const { code, stdout, stderr } = await runMain(['render', 'faces', '--count', '2', '--size', '16', '--style', style, '--out', path.join(root, style)]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`2 ${style} faces \\(16 px, seed 0`));
  }
  const labels = async (style: string): Promise<unknown[]> => (await readFile(path.join(root, style, 'labels.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(await labels('sim'), await labels('real'));
  assert.deepEqual((await readdir(path.join(root, 'sim'))).sort(), ['0-0.png', '0-1.png', 'labels.jsonl']);
  const image = await decodeImage(await readFile(path.join(root, 'real', '0-0.png')));
  assert.deepEqual([image.width, image.height], [16, 16]);
  assert.equal((await runMain(['render', 'faces', '--out', root])).code, 2, '--count is required');
});
