/*
 * The NATS accounts of compose.yaml on a real nats-server (Debian's 2.9.10: nats.conf's sync_interval, a 2.10
 * field, is left out here): secrets from make-secrets.mjs, then each service's NKey may do its own work and no more.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { deployPath, readText } from './repo.js';

const NATS_SERVER = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
let dir: string;
let server: ChildProcess;
let url: string;
const open: NatsConnection[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function as(user: 'publisher' | 'adapter' | 'regressor' | 'ops'): Promise<NatsConnection> {
  const seed = new TextEncoder().encode(readFileSync(path.join(dir, 'secrets', `${user}.nk`), 'utf8').trim());
  const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(seed) });
  open.push(nc);
  return nc;
}

void before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sim2real-nats-accounts-'));
  execFileSync(process.execPath, [deployPath('make-secrets.mjs'), path.join(dir, 'secrets')], { stdio: 'ignore' });
  const port = await freePort();
  const conf = readText(deployPath('nats', 'nats.conf'))
    .replace(/^\s*sync_interval:.*$/m, '')
    .replace(/^http_port:.*$/m, '')
    .replace(/^port:.*$/m, `port: ${port}`)
    .replace(/store_dir: ".*"/, `store_dir: "${path.join(dir, 'js')}"`);
  writeFileSync(path.join(dir, 'nats.conf'), conf);
  copyFileSync(deployPath('nats', 'accounts.conf'), path.join(dir, 'accounts.conf'));
  copyFileSync(deployPath('nats', 'nats.secure.conf'), path.join(dir, 'nats.secure.conf'));
  copyFileSync(path.join(dir, 'secrets', 'nats-users.conf'), path.join(dir, 'nats-users.conf'));
  server = spawn(NATS_SERVER, ['-c', path.join(dir, 'nats.secure.conf')], { stdio: 'ignore' });
  url = `nats://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const nc = await as('ops').catch(() => undefined);
    if (nc) break;
    await sleep(100);
  }
});

void after(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

void describe('NATS accounts of compose.yaml', () => {
  it('refuses a connection without an NKey', async () => {
    await assert.rejects(connect({ servers: url, reconnect: false }), /Authorization Violation|AUTHORIZATION/i);
  });

  it('each service may do its own work and no more', async () => {
    const ops = await jetstreamManager(await as('ops'));
    await ops.streams.add({ name: 'SIM2REAL_SYNTHETIC', subjects: ['sim2real.batches.synthetic.>'] });
    await ops.streams.add({ name: 'SIM2REAL_ADAPTED', subjects: ['sim2real.batches.adapted.>'] });
    const data = new Uint8Array([1, 2, 3]);

    const publisher = jetstream(await as('publisher'));
    assert.equal((await publisher.publish('sim2real.batches.synthetic.faces', data)).stream, 'SIM2REAL_SYNTHETIC');
    await assert.rejects(publisher.publish('sim2real.batches.adapted.faces', data, { timeout: 1000 }), 'the publisher may not publish adapted batches');

    const adapterNc = await as('adapter');
    const adapter = jetstream(adapterNc);
    await jetstreamManager(adapterNc).then((m) => m.consumers.add('SIM2REAL_SYNTHETIC', { durable_name: 'sim2real-adapter-faces', ack_policy: AckPolicy.Explicit }));
    const consumer = await adapter.consumers.get('SIM2REAL_SYNTHETIC', 'sim2real-adapter-faces');
    const message = await consumer.next({ expires: 2000 });
    assert.deepEqual([...(message?.data ?? [])], [...data], 'the adapter consumes synthetic batches');
    assert.equal((await adapter.publish('sim2real.batches.adapted.faces', data)).stream, 'SIM2REAL_ADAPTED');
    await assert.rejects(adapter.publish('sim2real.batches.synthetic.faces', data, { timeout: 1000 }), 'the adapter may not publish synthetic batches');

    const regressorNc = await as('regressor');
    const regressorJsm = await jetstreamManager(regressorNc);
    await regressorJsm.consumers.add('SIM2REAL_ADAPTED', { durable_name: 'regressor', ack_policy: AckPolicy.Explicit });
    const adapted = await (await jetstream(regressorNc).consumers.get('SIM2REAL_ADAPTED', 'regressor')).next({ expires: 2000 });
    assert.deepEqual([...(adapted?.data ?? [])], [...data], 'the regressor consumes adapted batches');
    await assert.rejects(regressorJsm.consumers.add('SIM2REAL_SYNTHETIC', { durable_name: 'sneaky', ack_policy: AckPolicy.Explicit }), 'the regressor may not read synthetic batches');
  });
});
