import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCa, makeLeaf, readTranslatorAccess, translatorAccessFromEnv } from '@sim2real/client';
import { ADAPTED_STREAM, DEAD_STREAM, type NatsServerHandle, SYNTHETIC_STREAM, consumerName, publishBatches, startNatsServer } from '@sim2real/messaging';
import { tokenSha256 } from '@sim2real/translator';
import { tinyRegistry } from '@sim2real/client/testing';
import { startRealTranslator, type RealTranslator } from './real-translator.js';
import { makeBatch, natsClient, startAdapter, streamCount, waitFor, type Nats } from './helpers.js';

/*
 * The adapter against a translator with TLS and tokens on, its access read from the environment as main.ts reads it
 * (SIM2REAL_TRANSLATOR_CA, SIM2REAL_TOKEN_FILE, SIM2REAL_TOKEN): it adapts with the CA and its token; without a token,
 * or with a wrong one, it says UNAUTHENTICATED and keeps the batch (an access failure is not poison).
 */
const ADAPTER_TOKEN = 'adapter-token-1';

let dir: string;
let caFile: string;
let tokenFile: string;
let registry: { dir: string; remove: () => Promise<void> };
let nats: NatsServerHandle;
let client: Nats;
let translator: RealTranslator;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sim2real-adapter-access-'));
  const ca = makeCa(dir, 'ca');
  const server = makeLeaf(dir, 'server', ca, 'server');
  caFile = ca.cert;
  tokenFile = path.join(dir, 'adapter.token');
  await writeFile(tokenFile, `${ADAPTER_TOKEN}\n`);
  const authTokensFile = path.join(dir, 'tokens.json');
  await writeFile(authTokensFile, JSON.stringify([{ name: 'adapter', token_sha256: tokenSha256(ADAPTER_TOKEN), roles: ['translate'] }]));
  registry = await tinyRegistry(['m']);
  nats = await startNatsServer();
  client = await natsClient(nats.url);
  translator = await startRealTranslator({ registryDir: registry.dir, host: '127.0.0.1', maxBatchDelayMs: 20, tlsCertFile: server.cert, tlsKeyFile: server.key, authTokensFile });
});

after(async () => {
  await client.nc.close();
  await translator.kill();
  await nats.close();
  await registry.remove();
  await rm(dir, { recursive: true, force: true });
});

void test('TLS and a translate token from the environment: the adapter adapts the batches', async () => {
  const translatorAccess = await readTranslatorAccess(translatorAccessFromEnv({ SIM2REAL_TRANSLATOR_CA: caFile, SIM2REAL_TOKEN_FILE: tokenFile }));
  const { adapter } = await startAdapter({ natsServers: nats.url, translatorAddress: translator.address, translatorAccess });
  try {
    await publishBatches([makeBatch('digits', 'ok1'), makeBatch('digits', 'ok2')], { js: client.js, maxPayloadBytes: 1 << 20 });
    await waitFor('2 adapted', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === 2);
    assert.equal(adapter.stats().deadLettered, 0);
  } finally {
    await adapter.stop();
  }
});

void test('no token, or a wrong one: UNAUTHENTICATED is reported and the batch waits, never dead-lettered', async () => {
  for (const [attempt, env] of [{ SIM2REAL_TRANSLATOR_CA: caFile }, { SIM2REAL_TRANSLATOR_CA: caFile, SIM2REAL_TOKEN: 'not-the-token' }].entries()) {
    const translatorAccess = await readTranslatorAccess(translatorAccessFromEnv(env));
    // Two deliveries at most and a short AckWait: a batch counted as failed would be dead within a few seconds.
    const { adapter, logs } = await startAdapter({
      natsServers: nats.url,
      translatorAddress: translator.address,
      translatorAccess,
      maxDeliver: 2,
      ackWaitMs: 1000,
      breakerBaseDelayMs: 100,
      breakerMaxDelayMs: 300,
    });
    try {
      await publishBatches([makeBatch('digits', `refused-${attempt}`)], { js: client.js, maxPayloadBytes: 1 << 20 });
      await waitFor('the refusal logged', () => logs.some((l) => l.event === 'translator.unavailable'));
      const refusal = String(logs.find((l) => l.event === 'translator.unavailable')?.fields?.error);
      assert.match(refusal, /refused the adapter's access \(UNAUTHENTICATED: .*\): check its token/);
      assert.doesNotMatch(refusal, /not-the-token/, 'the token never appears in logs');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(await streamCount(client.jsm, DEAD_STREAM), 0, 'not poison: nothing dead-lettered');
      assert.equal(await streamCount(client.jsm, ADAPTED_STREAM), 2);
      assert.equal(adapter.stats().deadLettered, 0);
    } finally {
      await adapter.stop();
    }
    const info = await client.jsm.consumers.info(SYNTHETIC_STREAM, consumerName('digits'));
    assert.equal(info.ack_floor.stream_seq, 2, 'the refused batch is not acknowledged: it waits for a well-configured adapter');
  }
});
