import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NATS_AUTH_SETTINGS, NatsOptionsError, batchMessageId, natsAuthFromEnv, natsConnectionOptions, serverFeatures } from '@sim2real/messaging';

void test('server features by version: term with a reason from 2.10.4, sync_interval and multi-filter from 2.10', () => {
  const old = serverFeatures('2.9.10');
  assert.deepEqual([old.termWithReason, old.syncInterval, old.multiFilterConsumers, old.version.text], [false, false, false, '2.9.10']);
  assert.equal(serverFeatures('v2.10.3').termWithReason, false);
  assert.equal(serverFeatures('nats-server: v2.10.4').termWithReason, true);
  assert.equal(serverFeatures('2.11.0').termWithReason, true);
  assert.equal(serverFeatures('3.0.0').syncInterval, true);
  assert.equal(serverFeatures('unknown').termWithReason, false);
});

void test('message ids name the dataset; odd batch ids are hashed into one header line', () => {
  assert.equal(batchMessageId('digits', 'b1'), 'digits:b1');
  assert.notEqual(batchMessageId('digits', 'b1'), batchMessageId('faces', 'b1'));
  const odd = batchMessageId('digits', 'line\nbreak');
  assert.match(odd, /^digits:sha256-[0-9a-f]{64}$/);
  assert.equal(odd, batchMessageId('digits', 'line\nbreak'));
  assert.match(batchMessageId('d', 'x'.repeat(500)), /^d:sha256-/);
});

void test('credentials settings: one declaration for flags and environment; files read at start; one way at a time', async () => {
  assert.equal(new Set(NATS_AUTH_SETTINGS.map((s) => s.flag)).size, 8);
  assert.deepEqual(natsAuthFromEnv({ SIM2REAL_NATS_USER: 'a', SIM2REAL_NATS_PASS: 'b', SIM2REAL_NATS_TOKEN: '' }), { user: 'a', pass: 'b' });
  assert.deepEqual(natsConnectionOptions({ user: 'a', pass: 'b' }), { user: 'a', pass: 'b' });
  assert.deepEqual(natsConnectionOptions({ token: 't' }), { token: 't' });
  assert.throws(() => natsConnectionOptions({ user: 'a' }), (e: unknown) => e instanceof NatsOptionsError && /go together/.test(e.message));
  assert.throws(() => natsConnectionOptions({ token: 't', user: 'a', pass: 'b' }), /one way of authenticating/);
  assert.throws(() => natsConnectionOptions({ credsFile: '/nonexistent/x.creds' }), (e: unknown) => e instanceof NatsOptionsError && e.option === 'nats-creds');
  assert.throws(() => natsConnectionOptions({ certFile: '/x' }), /--nats-cert and --nats-key go together/);
  const dir = await mkdtemp(path.join(tmpdir(), 'messaging-'));
  try {
    const seed = path.join(dir, 'seed.nk');
    await writeFile(seed, 'SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY\n');
    assert.equal(typeof natsConnectionOptions({ nkeyFile: seed }).authenticator, 'function');
    const ca = path.join(dir, 'ca.pem');
    await writeFile(ca, 'not checked here');
    assert.deepEqual(natsConnectionOptions({ caFile: ca }).tls, { caFile: ca, certFile: undefined, keyFile: undefined });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
