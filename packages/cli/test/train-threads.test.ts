import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMain } from './cli.js';

const required = ['train', '--source', 'no-such-source', '--target', 'no-such-target', '--out', 'no-such-model', '--backend', 'wasm'];

test('train --threads outside 1 to 8 is a usage error', async () => {
  const { code, stderr } = await runMain([...required, '--threads', '9']);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /--threads must be an integer from 1 to 8, got "9"/);
});

test('train reads SIM2REAL_TRAIN_THREADS when --threads is absent, and names it when it is wrong', async () => {
  const { code, stderr } = await runMain(required, { SIM2REAL_TRAIN_THREADS: 'two' });
  assert.equal(code, 2, stderr);
  assert.match(stderr, /SIM2REAL_TRAIN_THREADS \(for --threads\) must be an integer from 1 to 8, got "two"/);
});

test('train --help documents --threads and its environment variable', async () => {
  const { code, stdout } = await runMain(['train', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /--threads N .*SIM2REAL_TRAIN_THREADS/s);
});
