import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { StoredMsg } from '@nats-io/jetstream';
import { decodeLabelledBatch, encodeLabelledBatch, sampleLabelBytes } from '@sim2real/contracts';
import { adapterReadiness } from '@sim2real/dataset-adapter';
import {
  ADAPTED_STREAM,
  DEAD_STREAM,
  HEADER_DEAD_REASON,
  HEADER_MODEL,
  SYNTHETIC_STREAM,
  consumerName,
  freePort,
  publishBatches,
  syntheticSubject,
} from '@sim2real/messaging';
import { startRealTranslator, type RealTranslator } from './real-translator.js';
import { makeBatch, readStream, startAdapter, streamCount, usePipeline, waitFor } from './helpers.js';

const hex = (parts: (Uint8Array | undefined)[]): (string | undefined)[] => parts.map((p) => p && Buffer.from(p).toString('hex'));

const pipeline = usePipeline(20);

void test('end to end: labels and batch ids byte-identical, images translated, a batch published twice is adapted once', async () => {
  await pipeline.resetStreams();
  const batches = Array.from({ length: 8 }, (_, i) => makeBatch('digits', `b${i}`));
  const { adapter, logs } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address, maxBatchesInFlight: 2 });
  try {
    assert.ok(logs.some((l) => l.event === 'nats.connected' && String(l.fields?.consumers).includes('2.9.10')));
    // Backpressure: the consumer never has more than maxBatchesInFlight batches out unacknowledged.
    let maxAckPending = 0;
    const watch = setInterval(() => {
      pipeline.client.jsm.consumers.info(SYNTHETIC_STREAM, consumerName('digits')).then(
        (info) => (maxAckPending = Math.max(maxAckPending, info.num_ack_pending)),
        () => undefined,
      );
    }, 20);
    const summary = await publishBatches(batches, { js: pipeline.client.js, maxPayloadBytes: pipeline.client.nc.info!.max_payload });
    assert.equal(summary.batches, 8);
    // Same message id again: de-duplicated by the synthetic stream.
    const again = await publishBatches([batches[0]!], { js: pipeline.client.js, maxPayloadBytes: pipeline.client.nc.info!.max_payload });
    assert.equal(again.duplicates, 1);
    // Same batch under another message id: reaches the adapter, de-duplicated by the adapted stream.
    await pipeline.client.js.publish(syntheticSubject('digits'), encodeLabelledBatch(batches[1]!), { msgID: 'another-id' });
    await waitFor('9 batches handled', () => adapter.stats().batchesAdapted + adapter.stats().duplicates === 9);
    clearInterval(watch);
    assert.equal(adapter.stats().duplicates, 1);

    const adapted = await readStream(pipeline.client.jsm, ADAPTED_STREAM);
    assert.equal(adapted.length, 8);
    const originals = new Map(batches.map((b) => [b.batchId!, encodeLabelledBatch(b)]));
    for (const msg of adapted) {
      const batch = decodeLabelledBatch(msg.data);
      const original = originals.get(batch.batchId)!;
      assert.ok(original, `unexpected batch ${batch.batchId}`);
      assert.equal(msg.header.get('Nats-Msg-Id'), `digits:${batch.batchId}`);
      assert.equal(msg.header.get(HEADER_MODEL), 'm@v1');
      assert.deepEqual(hex(sampleLabelBytes(msg.data)), hex(sampleLabelBytes(original)));
      const before = decodeLabelledBatch(original);
      assert.deepEqual(batch.attributes, before.attributes);
      batch.samples.forEach((sample, i) => {
        const input = before.samples[i]!;
        assert.equal(sample.id, input.id);
        assert.deepEqual(sample.label, input.label);
        const { data, ...shape } = sample.image!;
        const { data: inputData, ...inputShape } = input.image!;
        assert.deepEqual(shape, inputShape);
        assert.equal(data.length, inputData.length);
        assert.notDeepEqual(data, inputData);
      });
    }
    assert.deepEqual(new Set(adapted.map((m) => decodeLabelledBatch(m.data).batchId)), new Set(originals.keys()));
    assert.ok(maxAckPending >= 1 && maxAckPending <= 2, `max ack pending ${maxAckPending}`);
    assert.ok(pipeline.translator.answeredImages() >= 8 * 3, `${pipeline.translator.answeredImages()} images translated`);
    await waitFor('lag read', () => adapter.stats().consumerLag.digits === 0);
    assert.deepEqual(adapterReadiness(adapter), { ok: true, checks: { nats: true, translator: true } });
  } finally {
    await adapter.stop();
  }
  assert.deepEqual(adapterReadiness(adapter), { ok: false, checks: { nats: 'stopping', translator: 'stopping' } });
  assert.deepEqual(adapterReadiness(undefined), { ok: false, checks: { adapter: 'starting' } });
});

void test('poison batches land in dead with their reason while the others flow', async () => {
  await pipeline.resetStreams();
  const { adapter, logs } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address });
  try {
    const good = [makeBatch('digits', 'g1'), makeBatch('digits', 'g2')];
    const noLabel = makeBatch('digits', 'no-label');
    delete noLabel.samples![1]!.label;
    const badImage = makeBatch('digits', 'bad-image');
    badImage.samples![0]!.image = { data: Buffer.from('not an image'), encoding: 'ENCODING_PNG', width: 4, height: 4 };
    const wrongDataset = makeBatch('faces', 'wrong-dataset');
    await publishBatches([good[0]!, noLabel, badImage], { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });
    await pipeline.client.js.publish(syntheticSubject('digits'), encodeLabelledBatch(wrongDataset), { msgID: 'wrong-dataset' });
    await pipeline.client.js.publish(syntheticSubject('digits'), Buffer.from([0xff, 0xff, 0xff]), { msgID: 'garbage', headers: natsHeaders() });
    await publishBatches([good[1]!], { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });

    await waitFor('2 adapted and 4 dead', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 2 && (await streamCount(pipeline.client.jsm, DEAD_STREAM)) === 4);
    assert.ok(logs.filter((l) => l.event === 'batch.dead').length === 4);
    const dead = await readStream(pipeline.client.jsm, DEAD_STREAM);
    const byReason = (pattern: RegExp): StoredMsg[] => dead.filter((m) => pattern.test(m.header.get(HEADER_DEAD_REASON)));
    const noLabelDead = byReason(/3 samples but 3 images and 2 labels/);
    assert.equal(noLabelDead.length, 1);
    assert.equal(byReason(/refused the images: .*image 0 of request/).length, 1);
    assert.equal(byReason(/names dataset "faces"/).length, 1);
    assert.equal(byReason(/not a LabelledBatch/).length, 1);
    assert.deepEqual(Buffer.from(noLabelDead[0]!.data), Buffer.from(encodeLabelledBatch(noLabel)));
    assert.ok(dead.every((m) => m.subject === 'sim2real.batches.dead.digits'));
    assert.equal(new Set(dead.map((m) => m.header.get('Nats-Msg-Id'))).size, 4);
    assert.equal(adapter.stats().deadLettered, 4);
  } finally {
    await adapter.stop();
  }
});

void test('translator absent for longer than max deliveries would allow: nothing dead-lettered, no redelivery, adapted once it comes', async () => {
  await pipeline.resetStreams();
  const port = await freePort();
  const { adapter, logs } = await startAdapter({
    natsServers: pipeline.nats.url,
    translatorAddress: `127.0.0.1:${port}`,
    maxDeliver: 2,
    ackWaitMs: 1000,
    breakerBaseDelayMs: 100,
    breakerMaxDelayMs: 400,
  });
  let late: RealTranslator | undefined;
  try {
    await publishBatches([makeBatch('digits', 'lonely'), makeBatch('digits', 'alone')], { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });
    // Several AckWaits and breaker pauses pass with the translator away.
    await waitFor('breaker at its longest pause', () => logs.filter((l) => l.event === 'translator.unavailable').length >= 5, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const pauses = logs.filter((l) => l.event === 'translator.unavailable').map((l) => Number(l.fields!.pauseMs));
    assert.ok(pauses.at(-1)! > pauses[0]!, `pauses grow: ${pauses.join(', ')}`);
    assert.ok(pauses.every((p) => p <= 400 * 1.3 + 1), `pauses capped: ${pauses.join(', ')}`);
    const held = await pipeline.client.jsm.consumers.info(SYNTHETIC_STREAM, consumerName('digits'));
    assert.equal(held.num_redelivered, 0, 'in-progress acks kept the batches: no redelivery');
    assert.equal(held.config.max_deliver, 20, "the server's MaxDeliver leaves room for deliveries cut short by adapter restarts");
    assert.equal(await streamCount(pipeline.client.jsm, DEAD_STREAM), 0);
    late = await startRealTranslator({ registryDir: pipeline.registry.dir, port });
    await waitFor('both adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 2, 20_000);
    assert.equal(await streamCount(pipeline.client.jsm, DEAD_STREAM), 0);
    assert.equal(adapter.stats().retried, 0);
    assert.ok(adapter.stats().waitedForTranslator > 0);
    assert.ok(logs.some((l) => l.event === 'translator.available'));
  } finally {
    await adapter.stop();
    await late?.kill();
  }
});

void test('two datasets reusing a batch id are both adapted; a batch over the per-request limit is split and put back in order', async () => {
  await pipeline.resetStreams();
  const { adapter } = await startAdapter({
    natsServers: pipeline.nats.url,
    translatorAddress: pipeline.translator.address,
    routes: [{ dataset: 'digits', model: 'm' }, { dataset: 'faces', model: 'm' }],
    maxImagesPerRequest: 3,
  });
  try {
    const big = makeBatch('digits', 'same-id', 10);
    // Each sample its own width: the translator answers at the input's size, so the order shows in the output.
    big.samples!.forEach((s, i) => (s.image = { data: Buffer.alloc((8 + i) * 8 * 3, i * 20), encoding: 'ENCODING_RAW_RGB8', width: 8 + i, height: 8 }));
    await publishBatches([big, makeBatch('faces', 'same-id')], { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });
    await waitFor('both adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 2);
    const adapted = await readStream(pipeline.client.jsm, ADAPTED_STREAM);
    assert.deepEqual(adapted.map((m) => m.header.get('Nats-Msg-Id')).sort(), ['digits:same-id', 'faces:same-id']);
    const digits = decodeLabelledBatch(adapted.find((m) => m.subject.endsWith('.digits'))!.data);
    assert.deepEqual(digits.samples.map((s) => s.image?.width), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(hex(sampleLabelBytes(encodeLabelledBatch(digits))), hex(sampleLabelBytes(encodeLabelledBatch(big))));
    assert.equal(adapter.stats().duplicates, 0);
  } finally {
    await adapter.stop();
  }
});

void test('two translator replicas behind one target: round_robin spreads the streams over both', async () => {
  await pipeline.resetStreams();
  const port = await freePort();
  const started = await Promise.allSettled(['127.0.0.1', '127.0.0.2'].map((host) => startRealTranslator({ registryDir: pipeline.registry.dir, host, port })));
  const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  // Every replica that started is killed, whatever fails: one left serving would keep the test process alive.
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const { adapter } = await startAdapter({
      natsServers: pipeline.nats.url,
      translatorAddress: `ipv4:127.0.0.1:${port},127.0.0.2:${port}`,
      translatorStreams: 2,
      maxBatchesInFlight: 4,
    });
    try {
      await publishBatches(Array.from({ length: 12 }, (_, i) => makeBatch('digits', `rr${i}`)), { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });
      await waitFor('12 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 12);
      const answered = replicas.map((r) => r.answeredImages());
      assert.ok(answered.every((n) => n > 0), `images per replica: ${answered.join(', ')}`);
    } finally {
      await adapter.stop();
    }
  } finally {
    await Promise.all(replicas.map((r) => r.kill()));
  }
});
