import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  ADAPTED_STREAM,
  DEAD_STREAM,
  NatsConnectError,
  NatsPermissionError,
  type NatsServerHandle,
  SYNTHETIC_STREAM,
  publishBatches,
  startNatsServer,
} from '@sim2real/messaging';
import { tinyRegistry } from '@sim2real/client/testing';
import { startRealTranslator, type RealTranslator } from './real-translator.js';
import { makeBatch, startAdapter, waitFor } from './helpers.js';

/**
 * Users and permissions as deploy/ gives them: the publisher may only publish synthetic batches, the adapter may
 * consume them and publish adapted and dead ones; `blinkered` is an adapter whose account lacks the adapted subject.
 */
const AUTH = `
authorization {
  users = [
    { user: publisher, password: pub-secret, permissions: { publish: ["sim2real.batches.synthetic.>", "$JS.API.>"], subscribe: ["_INBOX.>"] } }
    { user: adapter, password: adapter-secret, permissions: {
        publish: ["$JS.API.>", "$JS.ACK.>", "sim2real.batches.adapted.>", "sim2real.batches.dead.>"],
        subscribe: ["_INBOX.>", "$JS.EVENT.ADVISORY.>"] } }
    { user: blinkered, password: blink-secret, permissions: {
        publish: { allow: ["$JS.API.>", "$JS.ACK.>", "sim2real.batches.dead.>"], deny: ["sim2real.batches.adapted.>"] },
        subscribe: ["_INBOX.>", "$JS.EVENT.ADVISORY.>"] } }
  ]
}
`;

let nats: NatsServerHandle;
let translator: RealTranslator;
let registry: { dir: string; remove: () => Promise<void> };

before(async () => {
  registry = await tinyRegistry(['m']);
  nats = await startNatsServer({ extraConfig: AUTH, probeAuth: { user: 'publisher', pass: 'pub-secret' } });
  translator = await startRealTranslator({ registryDir: registry.dir, maxBatchDelayMs: 20 });
});

after(async () => {
  await translator.kill();
  await nats.close();
  await registry.remove();
});

void test('NATS with users and permissions: the adapter works with its credentials, fails clearly without, stops on a permission violation', async () => {
  // Without credentials, and with wrong ones: one sentence, no retry loop.
  for (const [auth, pattern] of [
    [undefined, /refused the connection \(authorization violation\): it needs credentials: give --nats-creds/],
    [{ user: 'adapter', pass: 'wrong' }, /refused the connection \(authorization violation\): it refused --nats-user/],
  ] as const) {
    const started = Date.now();
    await assert.rejects(
      startAdapter({ natsServers: nats.url, translatorAddress: translator.address, natsAuth: auth }),
      (error: unknown) => error instanceof NatsConnectError && error.kind === 'auth' && pattern.test(error.message),
    );
    assert.ok(Date.now() - started < 10_000, 'refused at once, not retried');
  }

  const pub = await connect({ servers: nats.url, user: 'publisher', pass: 'pub-secret' });
  try {
    const js = jetstream(pub);
    const { adapter } = await startAdapter({ natsServers: nats.url, translatorAddress: translator.address, natsAuth: { user: 'adapter', pass: 'adapter-secret' } });
    const jsm = await jetstreamManager(pub);
    try {
      await publishBatches([makeBatch('digits', 'a1'), makeBatch('digits', 'a2')], { js, maxPayloadBytes: 1 << 20 });
      await waitFor('2 adapted', async () => (await jsm.streams.info(ADAPTED_STREAM)).state.messages === 2);
    } finally {
      await adapter.stop();
    }

    // An account without the adapted subject: the violation is reported and the adapter stops; the batch stays.
    const { adapter: blinkered, logs } = await startAdapter({ natsServers: nats.url, translatorAddress: translator.address, natsAuth: { user: 'blinkered', pass: 'blink-secret' } });
    const closed = blinkered.closed().then(
      () => undefined,
      (error: unknown) => error,
    );
    await publishBatches([makeBatch('digits', 'b1')], { js, maxPayloadBytes: 1 << 20 });
    const error = await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 30_000, 'still running'))]);
    assert.ok(error instanceof NatsPermissionError, `adapter ended with ${String(error)}`);
    assert.match(error.message, /permission .*sim2real\.batches\.adapted\.digits/);
    assert.ok(logs.some((l) => l.event === 'nats.permission_denied'));
    assert.equal((await jsm.streams.info(ADAPTED_STREAM)).state.messages, 2);
    assert.equal((await jsm.streams.info(DEAD_STREAM)).state.messages, 0, 'not poison: nothing dead-lettered');
    const info = await jsm.consumers.info(SYNTHETIC_STREAM, 'sim2real-adapter-digits');
    assert.equal(info.ack_floor.stream_seq, 2, 'the batch is not acknowledged: it waits for a well-configured adapter');
  } finally {
    await pub.close();
  }
});
