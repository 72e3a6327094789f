import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMain as run } from './cli.js';

test('--help lists every command', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  for (const name of ['train', 'translate']) assert.match(stdout, new RegExp(`^  ${name} `, 'm'));
});

test('every command has --help', async () => {
  for (const name of ['train', 'translate']) {
    const { code, stdout } = await run([name, '--help']);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^Usage: sim2real ${name}`));
  }
});

test('unknown command and unknown flag exit 2 with one sentence', async () => {
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = await run(['translate', '--frob']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /Run 'sim2real translate --help'/);
});

test('a missing required flag names the flag', async () => {
  const { code, stderr } = await run(['translate', '--in', 'x', '--out', 'y']);
  assert.equal(code, 2);
  assert.match(stderr, /--model is required\./);
});

test('serve takes NATS and its credentials like the other NATS commands; a half-given credential is refused', async () => {
  const { code, stdout } = await run(['serve', '--help']);
  assert.equal(code, 0);
  for (const flag of ['--nats URL', '--nats-creds FILE', '--training-ack-wait-ms N']) assert.ok(stdout.includes(flag), flag);
  const half = await run(['serve', '--registry', 'r', '--nats', 'nats://127.0.0.1:1', '--nats-user', 'u']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--nats-user and --nats-pass go together/);
});
