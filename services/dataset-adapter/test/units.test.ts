import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLabelledBatch } from '@sim2real/contracts';
import { AdapterConfigError, parseRoute, resolveAdapterConfig } from '@sim2real/dataset-adapter';
import { PayloadTooLargeError, deterministicBatchId, splitToFit } from '@sim2real/messaging';
import { makeBatch } from './helpers.js';

void test('routes parse and config validates with one sentence per mistake', () => {
  assert.deepEqual(parseRoute('digits=mnist-m@20250101'), { dataset: 'digits', model: 'mnist-m@20250101' });
  assert.throws(() => parseRoute('digits'), AdapterConfigError);
  const base = { natsServers: 'nats://x:4222', translatorAddress: 'localhost:50051', routes: [{ dataset: 'd', model: 'm' }] };
  const config = resolveAdapterConfig(base);
  assert.equal(config.maxBatchesInFlight, 4);
  assert.equal(config.workingIntervalMs, 10_000);
  assert.throws(() => resolveAdapterConfig({ ...base, routes: [{ dataset: 'a.b', model: 'm' }] }), /one subject token/);
  assert.throws(() => resolveAdapterConfig({ ...base, routes: [...base.routes, ...base.routes] }), /routed twice/);
  assert.throws(() => resolveAdapterConfig({ ...base, translatorAddress: 'nohost' }), /HOST:PORT/);
  assert.throws(() => resolveAdapterConfig({ ...base, translatorAddress: 'dns:///nohost' }), /HOST:PORT/);
  for (const target of ['dns:///translator.sim2real.svc.cluster.local:50051', 'dns://10.96.0.10:53/translator:50051', 'ipv4:127.0.0.1:1,127.0.0.2:1']) {
    assert.equal(resolveAdapterConfig({ ...base, translatorAddress: target }).translatorAddress, target);
  }
  assert.equal(config.translatorStreams, 1);
  assert.throws(() => resolveAdapterConfig({ ...base, maxBatchesInFlight: 0 }), /^AdapterConfigError: maxBatchesInFlight must be an integer at least 1, got 0\.$/);
});

void test('batch ids are deterministic in dataset, sample ids and index', () => {
  const id = deterministicBatchId('digits', ['a.png', 'b.png'], 3);
  assert.equal(id, deterministicBatchId('digits', ['a.png', 'b.png'], 3));
  assert.match(id, /^digits-000003-[0-9a-f]{16}$/);
  assert.notEqual(id, deterministicBatchId('digits', ['a.png', 'c.png'], 3));
  assert.notEqual(id, deterministicBatchId('digits', ['a.png', 'b.png'], 4));
});

void test('a batch over max_payload is split by samples; a single sample over it is refused with one sentence', () => {
  const batch = makeBatch('digits', 'big', 8, 32); // 8 × 3 KiB
  const parts = splitToFit(batch, 4096 + 7000);
  assert.ok(parts.length > 1);
  assert.ok(parts.every((p) => p.data.length <= 7000));
  assert.deepEqual(parts.flatMap((p) => decodeLabelledBatch(p.data).samples.map((s) => s.id)), batch.samples!.map((s) => s.id));
  assert.deepEqual(parts.map((p) => p.batch.batchId), parts.map((p) => decodeLabelledBatch(p.data).batchId));
  assert.ok(parts.every((p) => p.batch.batchId!.startsWith('big.')));
  assert.deepEqual(splitToFit(batch, 1 << 20).length, 1);
  assert.throws(() => splitToFit(batch, 4096 + 1000), (error: unknown) => error instanceof PayloadTooLargeError && /alone is \d+ bytes/.test(error.message));
});
