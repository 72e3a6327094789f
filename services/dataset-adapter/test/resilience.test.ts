import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTranslatorProcess } from '@sim2real/client/testing';
import { decodeLabelledBatch } from '@sim2real/contracts';
import { ADAPTED_STREAM, DEAD_STREAM, SYNTHETIC_STREAM, consumerName, publishBatches } from '@sim2real/messaging';
import { startRealTranslator, type RealTranslator } from './real-translator.js';
import { makeBatch, readStream, startAdapter, streamCount, usePipeline, waitFor } from './helpers.js';

// The batcher's wait for more images (maxBatchDelayMs) gives each batch a translation time the tests can rely on.
const pipeline = usePipeline(30);

/** A second real translator on the same registry whose batches wait `delayMs` for company: a slow replica. */
const slowTranslator = (delayMs: number): Promise<RealTranslator> => startRealTranslator({ registryDir: pipeline.registry.dir, maxBatchDelayMs: delayMs });

/** Whether the server holds images of a batch waiting for translation. */
const busy = (t: RealTranslator) => (): boolean => t.server.stats().queuedImages > 0;

const publish = (ids: string[]): Promise<unknown> =>
  publishBatches(ids.map((id) => makeBatch('digits', id)), { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });

const range = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** Every expected batch id is in the adapted stream exactly once, and nothing else; the consumer has nothing left. */
async function assertExactlyOnce(expected: string[]): Promise<void> {
  const adapted = await readStream(pipeline.client.jsm, ADAPTED_STREAM);
  const ids = adapted.map((m) => decodeLabelledBatch(m.data).batchId).sort();
  assert.deepEqual(ids, [...expected].sort());
  assert.equal(await streamCount(pipeline.client.jsm, DEAD_STREAM), 0);
  await waitFor('consumer drained', async () => {
    const info = await pipeline.client.jsm.consumers.info(SYNTHETIC_STREAM, consumerName('digits'));
    return info.num_pending === 0 && info.num_ack_pending === 0;
  });
}

void test('translator killed mid-run and restarted: every batch exactly once', async () => {
  await pipeline.resetStreams();
  const ids = range('t', 0, 20);
  const answered = pipeline.translator.answeredImages();
  const { adapter } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address, maxBatchesInFlight: 2 });
  try {
    await publish(ids);
    await waitFor('5 batches answered', () => pipeline.translator.answeredImages() - answered >= 5 * 3);
    await pipeline.translator.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await pipeline.translator.restart();
    await waitFor('20 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 20);
    assert.ok(adapter.stats().waitedForTranslator > 0, 'some batches waited while the translator was down');
    assert.equal(adapter.stats().retried, 0, 'no batch was released for a redelivery');
    await assertExactlyOnce(ids);
  } finally {
    await adapter.stop();
  }
});

void test('translator process SIGKILLed, away longer than max deliveries allow, then SIGSTOPped: every batch exactly once, nothing dead', async () => {
  await pipeline.resetStreams();
  const proc = await startTranslatorProcess({ REGISTRY_DIR: pipeline.registry.dir, MAX_BATCH_DELAY_MS: '30' });
  const ids = range('p', 0, 24);
  const { adapter, logs } = await startAdapter({
    natsServers: pipeline.nats.url,
    translatorAddress: proc.address,
    maxBatchesInFlight: 2,
    maxDeliver: 2,
    ackWaitMs: 1000,
    breakerBaseDelayMs: 100,
    breakerMaxDelayMs: 500,
    keepaliveTimeMs: 1000,
    keepaliveTimeoutMs: 1000,
  });
  const adaptedCount = (): Promise<number> => streamCount(pipeline.client.jsm, ADAPTED_STREAM);
  try {
    await publish(ids);
    await waitFor('4 adapted', async () => (await adaptedCount()) >= 4, 60_000);
    await proc.kill();
    // Three AckWaits with max deliver 2: under the old rule every batch in hand would be dead by now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(await streamCount(pipeline.client.jsm, DEAD_STREAM), 0);
    assert.ok(logs.some((l) => l.event === 'translator.unavailable'));
    await proc.restart();
    await waitFor('12 adapted', async () => (await adaptedCount()) >= 12, 60_000);
    // Frozen, not closed: only keepalive (or the silence timeout) notices.
    proc.signal('SIGSTOP');
    const frozenAt = await adaptedCount();
    await waitFor('keepalive noticed the frozen translator', () => logs.filter((l) => l.event === 'translator.unavailable').length >= 2, 15_000);
    proc.signal('SIGCONT');
    await waitFor('24 adapted', async () => (await adaptedCount()) === 24, 60_000);
    assert.ok(frozenAt < 24);
    await assertExactlyOnce(ids);
    assert.equal(adapter.stats().retried, 0);
  } finally {
    await adapter.stop();
    await proc.kill();
  }
});

void test('nats-server killed and restarted mid-run: nothing lost, nothing twice', async () => {
  await pipeline.resetStreams();
  const first = range('n', 0, 20);
  const second = range('n', 20, 30);
  const { adapter } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address, maxBatchesInFlight: 2 });
  try {
    await publish(first);
    await waitFor('5 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) >= 5);
    await pipeline.nats.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pipeline.nats.restart();
    await waitFor('client reconnected', async () => (await pipeline.client.jsm.streams.info(SYNTHETIC_STREAM).then(() => true, () => false)));
    await publish(second);
    await waitFor('30 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM).catch(() => 0)) === 30, 40_000);
    await assertExactlyOnce([...first, ...second]);
  } finally {
    await adapter.stop();
  }
});

void test('adapter process killed mid-batch: a new one takes over, nothing lost, nothing twice', async () => {
  await pipeline.resetStreams();
  const slow = await slowTranslator(1500);
  const ids = range('k', 0, 6);
  await publish(ids);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
    env: {
      ...process.env,
      NATS_URL: pipeline.nats.url,
      SIM2REAL_TRANSLATOR: slow.address,
      SIM2REAL_ROUTES: 'digits=m',
      SIM2REAL_ACK_WAIT_MS: '2000',
      SIM2REAL_MAX_BATCHES_IN_FLIGHT: '2',
      SIM2REAL_MAX_DELIVER: '30',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor('a batch at the translator', busy(slow), 45_000);
    assert.match(stderr, /adapter.started/);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await slow.kill();
  }
  assert.ok((await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) < ids.length);
  const { adapter } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address, ackWaitMs: 2000, maxBatchesInFlight: 2 });
  try {
    await waitFor('6 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 6);
    // Let late answers to the killed adapter's requests and redeliveries play out before counting.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await assertExactlyOnce(ids);
  } finally {
    await adapter.stop();
  }
});

void test('stop (SIGTERM): stops pulling, finishes in-flight batches, leaves the rest for the next adapter', async () => {
  await pipeline.resetStreams();
  const slow = await slowTranslator(600);
  const ids = range('s', 0, 6);
  const { adapter } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: slow.address, maxBatchesInFlight: 2 });
  await publish(ids);
  await waitFor('a batch at the translator', busy(slow));
  await adapter.stop();
  await slow.kill();
  const done = await streamCount(pipeline.client.jsm, ADAPTED_STREAM);
  assert.ok(done >= 1 && done < 6, `${done} adapted before stop completed`);
  assert.equal(adapter.stats().batchesAdapted, done);
  const next = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: pipeline.translator.address });
  try {
    await waitFor('6 adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 6);
    await assertExactlyOnce(ids);
  } finally {
    await next.adapter.stop();
  }
});

void test('a translator working through a backlog longer than translateTimeoutMs gives up on no batch: its stream keeps answering', async () => {
  await pipeline.resetStreams();
  // One image per inference run: a batch is `imagesPerBatch` runs, and batches queue behind one another.
  const serial = await startRealTranslator({ registryDir: pipeline.registry.dir, maxBatchSize: 1 });
  const imagesPerBatch = 12;
  const publishIds = (ids: string[]): Promise<unknown> =>
    publishBatches(ids.map((id) => makeBatch('digits', id, imagesPerBatch)), { js: pipeline.client.js, maxPayloadBytes: 1 << 20 });
  try {
    // The time of one batch on this machine (after a warm-up that loads the model) scales the rest.
    const probe = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: serial.address });
    await publishIds(['warm']);
    await waitFor('warm-up', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 1);
    const started = performance.now();
    await publishIds(['timed']);
    await waitFor('timed batch', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === 2);
    const batchMs = performance.now() - started;
    await probe.adapter.stop();

    // The last of `inFlight` batches waits about 3 timeouts in the translator's queue while every batch ahead is answered.
    const translateTimeoutMs = Math.max(400, Math.ceil(4 * batchMs));
    const inFlight = Math.min(40, Math.ceil((3 * translateTimeoutMs) / batchMs));
    const ids = range('q', 0, inFlight);
    const { adapter } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: serial.address, translateTimeoutMs, maxBatchesInFlight: inFlight });
    try {
      await publishIds(ids);
      await waitFor('backlog adapted', async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM)) === inFlight + 2, 60_000 + 10 * inFlight * batchMs);
      assert.equal(adapter.stats().retried, 0, `naks with a ${translateTimeoutMs} ms timeout, ${inFlight} batches of ${batchMs.toFixed(0)} ms`);
      assert.equal(adapter.stats().redelivered, 0);
      await assertExactlyOnce(['warm', 'timed', ...ids]);
    } finally {
      await adapter.stop();
    }
  } finally {
    await serial.kill();
  }
});
