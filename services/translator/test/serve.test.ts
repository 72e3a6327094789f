import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fromStruct, fromTimestamp } from '@sim2real/contracts';
import { decodeImage, encodeJpeg } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import { startTelemetry } from '@sim2real/telemetry';
import type { Telemetry } from '@sim2real/telemetry';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { TranslateRequestIn, TranslateResponseOut } from '../src/index.js';
import { pngOf, noiseImage, startTestServer, statusOf, tempDir, trainTinyModel } from './helpers.js';
import type { RunningServer } from './helpers.js';

const spans = new InMemorySpanExporter();
let telemetry: Telemetry;
let registryDir: string;
let removeRegistry: () => Promise<void>;
let main: RunningServer;

function healthClient(address: string): grpc.Client & { check(req: { service: string }, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void } {
  const definition = protoLoader.loadSync(healthProtoPath, { enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials) => ReturnType<typeof healthClient> } } };
  };
  return new loaded.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
}

function checkHealth(address: string, service = ''): Promise<string> {
  const client = healthClient(address);
  return new Promise((resolve, reject) =>
    client.check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!.status);
    }),
  );
}

/** Reads every response of a stream until it ends (or rejects with its status). */
function collect(stream: grpc.ClientDuplexStream<TranslateRequestIn, TranslateResponseOut>): Promise<TranslateResponseOut[]> {
  const responses: TranslateResponseOut[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (r: TranslateResponseOut) => responses.push(r));
    stream.on('error', (error) => reject(Object.assign(error, { responses })));
    stream.on('end', () => resolve(responses));
  });
}

void before(async () => {
  telemetry = startTelemetry({ serviceName: 'translator-test', spanProcessors: [new SimpleSpanProcessor(spans)] });
  ({ dir: registryDir, remove: removeRegistry } = await tempDir('serve'));
  await trainTinyModel(path.join(registryDir, 'tiny', 'v1'));
  main = await startTestServer({ registryDir, defaultModel: 'tiny', maxImagesPerRequest: 4, maxPixelsPerImage: 10_000, maxBatchDelayMs: 20, registryRescanMs: 50 });
});

void after(async () => {
  await main.close();
  await telemetry.shutdown();
  await removeRegistry();
});

void describe('Translate', () => {
  void test('translates PNG, JPEG and raw inputs, preserving each size, with attention and G0 output when asked', async () => {
    const raw = noiseImage(9, 7, 3);
    const response = await main.client.translate({
      requestId: 'r1',
      images: [
        { data: await pngOf(20, 12, 1), encoding: 'ENCODING_PNG' },
        { data: await encodeJpeg(noiseImage(16, 16, 2)), encoding: 'ENCODING_JPEG' },
        { data: raw.data, encoding: 'ENCODING_RAW_RGB8', width: 9, height: 7 },
      ],
      includeAttention: true,
      includeInitial: true,
    });
    assert.equal(response.requestId, 'r1');
    assert.equal(response.modelVersion, 'tiny@v1');
    const sizes = [
      [20, 12],
      [16, 16],
      [9, 7],
    ];
    assert.equal(response.results.length, 3);
    for (const [i, result] of response.results.entries()) {
      const [width, height] = sizes[i]!;
      assert.equal(result.image?.encoding, 'ENCODING_PNG');
      const image = await decodeImage(result.image.data);
      assert.deepEqual([image.width, image.height], [width, height]);
      assert.deepEqual([result.attention?.width, result.attention?.height], [width, height]);
      assert.deepEqual([result.initial?.width, result.initial?.height], [width, height]);
      assert.ok(result.attention!.data.length > 0 && result.initial!.data.length > 0);
    }
  });

  void test('leaves attention and G0 out unless asked, and encodes raw output when asked', async () => {
    const response = await main.client.translate({
      requestId: 'raw',
      model: 'tiny@v1',
      images: [{ data: await pngOf(10, 6), encoding: 'ENCODING_PNG' }],
      outputEncoding: 'ENCODING_RAW_RGB8',
    });
    const [result] = response.results;
    assert.equal(result?.image?.encoding, 'ENCODING_RAW_RGB8');
    assert.equal(result?.image?.data.length, 10 * 6 * 3);
    assert.equal(result?.attention, null);
    assert.equal(result?.initial, null);
  });

  void test('bad inputs get their status and sentence while the server keeps serving', async () => {
    const good = { data: await pngOf(8, 8), encoding: 'ENCODING_PNG' as const };
    const corrupt = { data: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]), encoding: 'ENCODING_PNG' as const };
    const huge = { data: await pngOf(200, 100), encoding: 'ENCODING_PNG' as const };
    const hugeRaw = { data: Buffer.alloc(3), encoding: 'ENCODING_RAW_RGB8' as const, width: 100_000, height: 100_000 };
    const cases: [string, TranslateRequestIn, grpc.status, RegExp][] = [
      ['corrupt PNG', { requestId: 'c', images: [good, corrupt] }, grpc.status.INVALID_ARGUMENT, /image 1 of request "c"/],
      ['huge dimensions', { requestId: 'h', images: [huge] }, grpc.status.INVALID_ARGUMENT, /image 0 of request "h".*200×100.*limit of 10000/],
      ['huge raw dimensions', { requestId: 'hr', images: [hugeRaw] }, grpc.status.INVALID_ARGUMENT, /image 0 of request "hr"/],
      ['empty request', { requestId: 'e', images: [] }, grpc.status.INVALID_ARGUMENT, /no images/],
      ['unknown model', { requestId: 'u', model: 'nope', images: [good] }, grpc.status.NOT_FOUND, /"nope" is not in the registry/],
      ['unknown version', { requestId: 'v', model: 'tiny@v9', images: [good] }, grpc.status.NOT_FOUND, /versions of "tiny": v1/],
      ['invalid model name', { requestId: 'n', model: '../tiny', images: [good] }, grpc.status.INVALID_ARGUMENT, /not a valid reference/],
      ['too many images', { requestId: 't', images: [good, good, good, good, good] }, grpc.status.RESOURCE_EXHAUSTED, /5 images.*limit of 4.*maxImagesPerRequest/],
    ];
    for (const [what, request, code, details] of cases) {
      const failure = await statusOf(main.client.translate(request));
      assert.equal(failure.code, code, `${what}: ${failure.details}`);
      assert.match(failure.details, details, what);
      const ok = await main.client.translate({ requestId: 'after', images: [good] });
      assert.equal(ok.results.length, 1, `served after ${what}`);
    }
  });

  void test('concurrent calls share inference batches', async () => {
    const before = main.server.stats();
    const data = await pngOf(16, 16);
    await Promise.all(Array.from({ length: 6 }, (_, i) => main.client.translate({ requestId: `b${i}`, images: [{ data, encoding: 'ENCODING_PNG' }] })));
    const stats = main.server.stats();
    assert.equal(stats.batchedImages - before.batchedImages, 6);
    assert.ok(stats.batches - before.batches < 6, `6 one-image calls ran in ${stats.batches - before.batches} batches`);
    assert.ok(stats.largestBatch > 1);
    const batchSizes = spans
      .getFinishedSpans()
      .filter((s) => s.name === 'sim2real.v1.Translator/Translate' && String(s.attributes['sim2real.batch_size']) !== '1')
      .map((s) => s.attributes['sim2real.batch_size']);
    assert.ok(batchSizes.length > 0, 'some span records a batch size above 1');
  });

  void test('a version copied into the registry is served without a restart', async () => {
    await cp(path.join(registryDir, 'tiny', 'v1'), path.join(registryDir, 'tiny', 'v2'), { recursive: true });
    const data = await pngOf(8, 8);
    const pinned = await main.client.translate({ requestId: 'p', model: 'tiny@v2', images: [{ data }] });
    assert.equal(pinned.modelVersion, 'tiny@v2');
    await sleep(60);
    const latest = await main.client.translate({ requestId: 'l', images: [{ data }] });
    assert.equal(latest.modelVersion, 'tiny@v2');
    const listed = await main.client.listModels();
    assert.deepEqual(
      listed.models.map((m) => [m.name, m.versions.map((v) => v.version)]),
      [['tiny', ['v1', 'v2']]],
    );
    const info = await main.client.getModel('tiny@v1');
    assert.equal(info.versions.length, 1);
    const version = info.versions[0]!;
    assert.equal(version.imageSize, 16);
    assert.equal(version.attention, true);
    assert.equal(fromStruct(version.config).generatorWidth, 4);
    assert.ok(Math.abs(fromTimestamp(version.createTime)!.getTime() - Date.now()) < 3_600_000, 'created within the hour');
    assert.equal(version.metrics?.step, 3);
    assert.equal(version.metrics?.trainingStage, 'TRAINING_STAGE_JOINT');
    assert.equal((await statusOf(main.client.getModel('nope'))).code, grpc.status.NOT_FOUND);
  });

  void test('server span has rpc attributes, model attributes and the parent from metadata', async () => {
    spans.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', `00-${traceId}-${parentId}-01`);
    await main.client.translate({ requestId: 's', model: 'tiny@v1', images: [{ data: await pngOf(8, 8) }] }, { metadata });
    const span = spans.getFinishedSpans().find((s) => s.name === 'sim2real.v1.Translator/Translate');
    assert.ok(span);
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.spanContext().traceId, traceId);
    assert.equal(span.parentSpanContext?.spanId, parentId);
    assert.equal(span.attributes['rpc.system'], 'grpc');
    assert.equal(span.attributes['rpc.service'], 'sim2real.v1.Translator');
    assert.equal(span.attributes['rpc.method'], 'Translate');
    assert.equal(span.attributes['rpc.grpc.status_code'], grpc.status.OK);
    assert.equal(span.attributes['sim2real.model'], 'tiny');
    assert.equal(span.attributes['sim2real.model_version'], 'v1');
    assert.equal(span.attributes['sim2real.batch_size'], 1);
  });

  void test('health reports SERVING for the server and the Translator service', async () => {
    assert.equal(await checkHealth(main.address), 'SERVING');
    assert.equal(await checkHealth(main.address, 'sim2real.v1.Translator'), 'SERVING');
  });
});

void describe('TranslateStream', () => {
  void test('100 requests on one stream come back complete and correlated, without leaking tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const stream = main.client.raw.translateStream();
    const done = collect(stream);
    const expected = new Map<string, { count: number; width: number }>();
    for (let i = 0; i < 100; i++) {
      const count = i % 10 === 0 ? 2 : 1;
      const width = 8 + (i % 5);
      const data = await pngOf(width, 8, i);
      const requestId = `req-${i}`;
      expected.set(requestId, { count, width });
      if (!stream.write({ requestId, model: 'tiny@v1', images: Array.from({ length: count }, () => ({ data })) })) {
        await new Promise((resolve) => stream.once('drain', resolve));
      }
    }
    stream.end();
    const responses = await done;
    assert.equal(responses.length, 100);
    assert.deepEqual(new Set(responses.map((r) => r.requestId)), new Set(expected.keys()));
    for (const response of responses) {
      const want = expected.get(response.requestId)!;
      assert.equal(response.results.length, want.count, response.requestId);
      for (const result of response.results) assert.equal(result.image?.width, want.width, response.requestId);
    }
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });

  void test("each request's SERVER span is a child of the context in its trace_context field, linked to the stream's span", async () => {
    spans.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`);
    const stream = main.client.raw.translateStream(metadata);
    const done = collect(stream);
    const data = await pngOf(8, 8);
    stream.write({ requestId: 'a', model: 'tiny@v1', images: [{ data }], traceContext: { traceparent: `00-${traceId}-${'a'.repeat(16)}-01` } });
    stream.write({ requestId: 'b', model: 'tiny@v1', images: [{ data }], traceContext: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01` } });
    stream.write({ requestId: 'none', model: 'tiny@v1', images: [{ data }] });
    stream.end();
    assert.equal((await done).length, 3);
    const serverSpans = spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER && s.name === 'sim2real.v1.Translator/TranslateStream');
    const call = serverSpans.find((s) => s.attributes['sim2real.request_id'] === undefined);
    assert.ok(call, 'the span of the stream call');
    assert.equal(call.parentSpanContext?.spanId, '2'.repeat(16));
    for (const id of ['a', 'b']) {
      const request = serverSpans.find((s) => s.attributes['sim2real.request_id'] === id);
      assert.ok(request, id);
      assert.equal(request.spanContext().traceId, traceId);
      assert.equal(request.parentSpanContext?.spanId, id.repeat(16));
      assert.equal(request.parentSpanContext?.isRemote, true);
      assert.equal(request.links[0]?.context.spanId, call.spanContext().spanId);
      assert.equal(request.attributes['rpc.system'], 'grpc');
      assert.equal(request.attributes['rpc.method'], 'TranslateStream');
      assert.equal(request.attributes['rpc.grpc.status_code'], grpc.status.OK);
      assert.equal(request.attributes['sim2real.model'], 'tiny');
    }
    const plain = serverSpans.find((s) => s.attributes['sim2real.request_id'] === 'none');
    assert.ok(plain);
    assert.equal(plain.parentSpanContext?.spanId, call.spanContext().spanId);
    assert.equal(plain.links.length, 0);
  });

  void test('a bad request is answered with its error and the stream stays open for the others', async () => {
    const stream = main.client.raw.translateStream();
    const done = collect(stream);
    const png = await pngOf(8, 8);
    stream.write({ requestId: 'good', images: [{ data: png }] });
    stream.write({ requestId: 'bad', images: [{ data: png }, { data: Buffer.from('not an image') }] });
    stream.write({ requestId: 'too-many', images: Array.from({ length: 5 }, () => ({ data: png })) });
    stream.write({ requestId: 'unknown-model', model: 'nope', images: [{ data: png }] });
    await sleep(50);
    stream.write({ requestId: 'after', images: [{ data: png }] });
    stream.end();
    const responses = await done;
    const byId = new Map(responses.map((r) => [r.requestId, r]));
    assert.deepEqual([...byId.keys()].sort(), ['after', 'bad', 'good', 'too-many', 'unknown-model']);
    for (const ok of ['good', 'after']) {
      assert.equal(byId.get(ok)!.error, null);
      assert.equal(byId.get(ok)!.results.length, 1);
    }
    const bad = byId.get('bad')!;
    assert.equal(bad.results.length, 0);
    assert.equal(bad.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(bad.error?.imageIndex, 1);
    assert.match(bad.error?.message ?? '', /image 1 of request "bad"/);
    assert.equal(byId.get('too-many')!.error?.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(byId.get('too-many')!.error?.imageIndex, -1);
    assert.equal(byId.get('unknown-model')!.error?.code, grpc.status.NOT_FOUND);
  });
});

void describe('cancellation and shutdown', () => {
  let slow: RunningServer;
  void before(async () => {
    slow = await startTestServer({ registryDir, defaultModel: 'tiny@v1', maxBatchDelayMs: 300 });
  });

  void test('cancelling a stream mid-way drops its waiting images from the batch queue', async () => {
    const stream = slow.client.raw.translateStream();
    const done = collect(stream);
    for (let i = 0; i < 5; i++) stream.write({ requestId: `c${i}`, images: [{ data: await pngOf(8, 8, i) }] });
    const deadline = Date.now() + 2000;
    while (slow.server.stats().queuedImages < 5 && Date.now() < deadline) await sleep(5);
    assert.equal(slow.server.stats().queuedImages, 5);
    stream.cancel();
    assert.equal(((await done.catch((e: unknown) => e)) as grpc.ServiceError).code, grpc.status.CANCELLED);
    while (slow.server.stats().queuedImages > 0 && Date.now() < deadline) await sleep(5);
    assert.equal(slow.server.stats().queuedImages, 0);
    await sleep(350);
    assert.equal(slow.server.stats().batchedImages, 0, 'no image of the cancelled stream reached inference');
    while (slow.server.stats().activeCalls > 0 && Date.now() < deadline) await sleep(5);
    const after = await slow.client.translate({ requestId: 'next', images: [{ data: await pngOf(8, 8) }] });
    assert.equal(after.results.length, 1);
  });

  void test('a call past its deadline gets DEADLINE_EXCEEDED and its images leave the queue', async () => {
    const failure = await statusOf(slow.client.translate({ requestId: 'd', images: [{ data: await pngOf(8, 8) }] }, { timeoutMs: 100 }));
    assert.equal(failure.code, grpc.status.DEADLINE_EXCEEDED);
    await sleep(20);
    assert.equal(slow.server.stats().queuedImages, 0);
  });

  void test('shutdown: NOT_SERVING and UNAVAILABLE for new calls while in-flight calls finish', async () => {
    const data = await pngOf(8, 8);
    const inFlight = slow.client.translate({ requestId: 'inflight', images: [{ data }] });
    while (slow.server.stats().queuedImages < 1) await sleep(2);
    const stopped = slow.server.shutdown(5000);
    assert.equal(await checkHealth(slow.address), 'NOT_SERVING');
    const refused = await statusOf(slow.client.translate({ requestId: 'late', images: [{ data }] }, { maxAttempts: 1 }));
    assert.equal(refused.code, grpc.status.UNAVAILABLE);
    assert.match(refused.details, /shutting down/);
    assert.equal((await inFlight).results.length, 1, 'the in-flight call completed');
    await stopped;
    slow.client.close();
  });
});
