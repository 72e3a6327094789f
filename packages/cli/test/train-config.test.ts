import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TEST_BACKEND, runMain } from './cli.js';

test('train --config must be a JSON object', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'sim2real-train-config-'));
  try {
    const file = path.join(root, 'options.json');
    await writeFile(file, '[1, 2]');
    const { code, stderr } = await runMain(['train', '--source', root, '--target', root, '--out', path.join(root, 'm'), '--config', file], { TFJS_BACKEND: TEST_BACKEND });
    assert.equal(code, 2);
    assert.match(stderr, /must hold a JSON object/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
