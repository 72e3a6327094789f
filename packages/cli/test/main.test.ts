import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../src/main.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdout, stderr, env: {}, signal: new AbortController().signal, interactive: false });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

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
