import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { decodeLabelledBatch, encodeLabelledBatch, sampleLabelBytes, type LabelledBatch } from '@sim2real/contracts';
import { createAdapter } from '@sim2real/dataset-adapter';
import { ADAPTED_STREAM, DEAD_STREAM, provisionStreams, publishDeadLetter, startNatsServer, syntheticSubject } from '@sim2real/messaging';
import { trainTinyModel } from '@sim2real/translation/testing';
import { createTranslatorServer } from '@sim2real/translator';
import { parseSince } from '../src/commands/dead-letters.js';
import { runMain } from './cli.js';
import { loggerFrom } from '@sim2real/telemetry';

const batch = (id: string): LabelledBatch => ({
  batchId: id,
  dataset: 'digits',
  samples: [0, 1].map((i) => ({
    id: `${id}/${i}`,
    image: { data: Buffer.alloc(16 * 16 * 3, 30 * i + id.length), encoding: 'ENCODING_RAW_RGB8', width: 16, height: 16 },
    label: i === 0 ? { vector: { values: [1.5, -2] } } : { opaque: Buffer.from(`mask-${id}`) },
  })),
});

const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

void test('--since takes an ISO time or a duration back from now', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  assert.equal(parseSince('2h', now).toISOString(), '2026-12-07T10:00:00.000Z');
  assert.equal(parseSince('90s', now).toISOString(), '2026-12-07T11:58:30.000Z');
  assert.equal(parseSince('2026-12-01T00:00:00Z', now).toISOString(), '2026-12-01T00:00:00.000Z');
  assert.throws(() => parseSince('yesterday', now), /--since must be/);
});

void test('dead-letters list and replay: filters by reason and time; replayed batches keep their ids and are adapted once', async () => {
  const nats = await startNatsServer();
  const registryDir = await mkdtemp(path.join(tmpdir(), 'sim2real-dead-letters-'));
  const nc = await connect({ servers: nats.url });
  const translator = createTranslatorServer({ registryDir, host: '127.0.0.1', port: 0 }, { log: loggerFrom(() => undefined) });
  let adapter: Awaited<ReturnType<typeof createAdapter>> | undefined;
  try {
    await trainTinyModel(path.join(registryDir, 'm', 'v1'));
    const { port } = await translator.start();
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm);
    // What an older adapter did during an outage: good batches dead-lettered after max deliveries; one truly refused.
    const outage = ['o1', 'o2', 'o3'].map(batch);
    for (const [i, b] of outage.entries()) {
      await publishDeadLetter(js, { dataset: 'digits', data: encodeLabelledBatch(b), headers: undefined, kind: 'max_deliveries', reason: 'Gave up after 10 deliveries; last error: UNAVAILABLE', sourceSequence: i + 1, deliveries: 10 });
    }
    await publishDeadLetter(js, { dataset: 'digits', data: encodeLabelledBatch(batch('r1')), headers: undefined, kind: 'refused', reason: 'The translator refused the images: image 0 is not a PNG', sourceSequence: 9, deliveries: 1 });

    const list = async (...extra: string[]): Promise<Record<string, unknown>[]> => {
      const result = await runMain(['dead-letters', 'list', '--dataset', 'digits', '--nats', nats.url, '--json', ...extra]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    assert.deepEqual((await list()).map((r) => r.batchId), ['o1', 'o2', 'o3', 'r1']);
    assert.deepEqual((await list('--reason', 'max_deliveries')).map((r) => r.batchId), ['o1', 'o2', 'o3']);
    assert.deepEqual((await list('--reason', 'not a png')).map((r) => [r.batchId, r.kind]), [['r1', 'refused']]);
    assert.equal((await list('--since', '1h')).length, 4);
    assert.equal((await list('--since', new Date(Date.now() + 60_000).toISOString())).length, 0);
    const table = await runMain(['dead-letters', 'list', '--dataset', 'digits', '--nats', nats.url]);
    assert.match(table.stdout, /o1 .* max_deliveries .*UNAVAILABLE/);
    assert.match(table.stdout, /4 dead batch/);

    adapter = await createAdapter({ natsServers: nats.url, translatorAddress: `127.0.0.1:${port}`, routes: [{ dataset: 'digits', model: 'm' }], logger: loggerFrom(() => undefined) });
    const replay = await runMain(['dead-letters', 'replay', '--dataset', 'digits', '--reason', 'max_deliveries', '--nats', nats.url]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /3 dead batch\(es\) replayed/);
    await waitFor('3 adapted', async () => (await jsm.streams.info(ADAPTED_STREAM)).state.messages === 3);
    // A second replay finds nothing; the same batch sent again under another synthetic id is not adapted twice.
    const again = await runMain(['dead-letters', 'replay', '--dataset', 'digits', '--reason', 'max_deliveries', '--nats', nats.url]);
    assert.match(again.stdout, /0 dead batch\(es\) replayed/);
    await js.publish(syntheticSubject('digits'), encodeLabelledBatch(outage[0]!), { msgID: 'digits:o1#by-hand' });
    await waitFor('the extra copy handled', () => adapter!.stats().duplicates === 1);
    // The adapter works on batches concurrently: the adapted stream holds them in completion order.
    const stored = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage(ADAPTED_STREAM, { seq })));
    const adapted = stored.sort((a, b) => decodeLabelledBatch(a!.data).batchId.localeCompare(decodeLabelledBatch(b!.data).batchId));
    assert.deepEqual(adapted.map((m) => decodeLabelledBatch(m!.data).batchId), ['o1', 'o2', 'o3']);
    assert.deepEqual(adapted.map((m) => m!.header.get('Nats-Msg-Id')), ['digits:o1', 'digits:o2', 'digits:o3']);
    for (const [i, m] of adapted.entries()) {
      assert.deepEqual(sampleLabelBytes(m!.data).map((b) => b && Buffer.from(b).toString('hex')), sampleLabelBytes(encodeLabelledBatch(outage[i]!)).map((b) => b && Buffer.from(b).toString('hex')));
    }
    assert.equal((await jsm.streams.info(ADAPTED_STREAM)).state.messages, 3);
    assert.equal((await jsm.streams.info(DEAD_STREAM)).state.messages, 1, 'the refused batch stays dead');
    const bad = await runMain(['dead-letters', 'purge', '--dataset', 'digits']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"list" or "replay"/);
  } finally {
    await adapter?.stop();
    await translator.shutdown(0);
    await nc.close();
    await nats.close();
    await rm(registryDir, { recursive: true, force: true });
  }
});
