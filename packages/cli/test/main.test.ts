import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { resolveAdapterConfig } from '@sim2real/dataset-adapter';
import { resolveServerConfig } from '@sim2real/translator';
import { COMMANDS } from '../src/commands/index.js';
import { runMain as run } from './cli.js';

test('--help lists every command', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  for (const name of ['train', 'translate']) assert.match(stdout, new RegExp(`^  ${name} `, 'm'));
});

test('--version prints the package version', async () => {
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(stdout, `sim2real ${version}\n`);
});

test('each command list entry loads the command of its name', async () => {
  for (const entry of COMMANDS) assert.equal((await entry.load()).name, entry.name);
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

test('adapt refuses translator access that cannot work, naming the flag or variable, before it connects', async () => {
  const adapt = ['adapt', '--translator', '127.0.0.1:1', '--route', 'd=m', '--nats', 'nats://127.0.0.1:1'];
  const halfMtls = await run([...adapt, '--translator-ca', 'ca.pem', '--translator-cert', 'client.pem']);
  assert.equal(halfMtls.code, 2);
  assert.match(halfMtls.stderr, /--translator-cert and --translator-key go together\./);
  const missing = await run([...adapt, '--token-file', '/nonexistent/adapter.token']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--token-file \(SIM2REAL_TOKEN_FILE\) \/nonexistent\/adapter\.token cannot be read \(ENOENT\)\./);
  const fromEnv = await run(adapt, { SIM2REAL_TRANSLATOR_CA: '/nonexistent/ca.pem' });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /--translator-ca \(SIM2REAL_TRANSLATOR_CA\) \/nonexistent\/ca\.pem cannot be read \(ENOENT\)\./);
});

test('serve takes NATS and its credentials like the other NATS commands; a half-given credential is refused', async () => {
  const { code, stdout } = await run(['serve', '--help']);
  assert.equal(code, 0);
  for (const flag of ['--nats URL', '--nats-creds FILE', '--training-ack-wait-ms N']) assert.ok(stdout.includes(flag), flag);
  const half = await run(['serve', '--registry', 'r', '--nats', 'nats://127.0.0.1:1', '--nats-user', 'u']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--nats-user and --nats-pass go together/);
});

test('train, serve, adapt and models: --help lists each flag once, with the default of the code that applies it', async () => {
  for (const name of ['train', 'serve', 'adapt', 'models']) {
    const command = await COMMANDS.find((c) => c.name === name)!.load();
    const { code, stdout } = await run([name, '--help']);
    assert.equal(code, 0);
    for (const flag of Object.keys(command.options)) assert.equal(stdout.match(new RegExp(`^  --${flag} `, 'gm'))?.length, 1, `${name} --${flag}`);
  }
  const server = resolveServerConfig({ registryDir: '.' });
  const serve = (await run(['serve', '--help'])).stdout;
  assert.match(serve, new RegExp(`--max-batch N .*\\[default: ${server.maxBatchSize}\\] \\[env MAX_BATCH_SIZE\\]`));
  assert.match(serve, /--registry DIR .*\(required\) \[env REGISTRY_DIR\]/);
  const adapter = resolveAdapterConfig({ natsServers: 'nats://x', translatorAddress: 'x:1', routes: [{ dataset: 'd', model: 'm' }] });
  const adapt = (await run(['adapt', '--help'])).stdout;
  assert.match(adapt, new RegExp(`--max-deliver N .*\\[default: ${adapter.maxDeliver}\\]`));
  assert.match(adapt, /--route DATASET=MODEL\[@VERSION\] .*\(repeatable, at least one\)/);
});

test('adapt takes --route once per dataset, at least once', async () => {
  const adapt = ['adapt', '--translator', '127.0.0.1:1', '--nats', 'nats://127.0.0.1:1'];
  const none = await run(adapt);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--route is required \(at least one\)\./);
  const second = await run([...adapt, '--route', 'd=m', '--route', 'broken']);
  assert.equal(second.code, 2, 'the second route is read and refused');
  assert.match(second.stderr, /Route "broken" is not DATASET=MODEL\[@VERSION\]\./);
});
