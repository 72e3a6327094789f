import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { decodeImage, encodePng } from '@sim2real/imaging';
import { noiseImage } from '@sim2real/translation/testing';
import { ClientConfigError, TranslatorCallError, createTranslatorClient } from '../src/index.js';
import type { TranslateRequest, TranslateResponse__Output } from '@sim2real/contracts';
import type { TranslatorClient } from '../src/index.js';
import { startTranslatorProcess, tinyRegistry } from '../src/testing.js';
import type { TranslatorProcess } from '../src/testing.js';

let registry: { dir: string; remove: () => Promise<void> };
let server: TranslatorProcess;
let client: TranslatorClient;
let png: Buffer;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<TranslatorCallError> {
  const error = await promise.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TranslatorCallError, String(error));
  return error;
}

void before(async () => {
  registry = await tinyRegistry(['alpha', 'beta', 'gamma']);
  server = await startTranslatorProcess({ REGISTRY_DIR: registry.dir, DEFAULT_MODEL: 'alpha', MAX_IN_FLIGHT_PER_STREAM: '2', SIM2REAL_TRAINING_ROOT: registry.dir });
  client = createTranslatorClient(server.address, { timeoutMs: 30_000 });
  png = Buffer.from(await encodePng(noiseImage(12, 10, 1)));
});

void after(async () => {
  client?.close();
  await server?.stop();
  await registry?.remove();
});

void describe('unary calls', () => {
  void test('translate: images come back translated, at their own size, from the named model', async () => {
    const response = await client.translate({ requestId: 'r1', model: 'beta', images: [{ data: png, encoding: 'ENCODING_PNG' }], includeAttention: true });
    assert.equal(response.requestId, 'r1');
    assert.equal(response.modelVersion, 'beta@v1');
    const [result] = response.results;
    const image = await decodeImage(Buffer.from(result!.image!.data), { name: 'translated' });
    assert.deepEqual([image.width, image.height], [12, 10]);
    assert.equal(result!.attention?.width, 12);
  });

  void test('errors carry the status, the sentence and the google.rpc.Status details', async () => {
    const bad = await rejection(client.translate({ requestId: 'bad', images: [{ data: png }, { data: Buffer.from('not an image') }] }));
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.equal(bad.codeName, 'INVALID_ARGUMENT');
    assert.match(bad.message, /image 1 of request "bad"/);
    assert.deepEqual(bad.fieldViolations.map((v) => v.field), ['images[1]']);
    assert.equal(bad.attempts, 1);

    const missing = await rejection(client.getModel('nope'));
    assert.equal(missing.code, status.NOT_FOUND);
    assert.deepEqual([missing.resourceInfo?.resourceType, missing.resourceInfo?.resourceName], ['sim2real.v1.ModelVersion', 'nope']);

    const training = await rejection(client.startTraining({ modelName: 'x', sourceUri: '/nonexistent-folder', targetUri: '/nonexistent-folder' }));
    assert.deepEqual(training.fieldViolations.map((v) => v.field), ['source_uri']);
  });

  void test('listModels pages through the registry; allModels follows the tokens', async () => {
    const first = await client.listModels({ pageSize: 2 });
    assert.deepEqual(first.models.map((m) => m.name), ['alpha', 'beta']);
    assert.notEqual(first.nextPageToken, '');
    const second = await client.listModels({ pageSize: 2, pageToken: first.nextPageToken });
    assert.deepEqual(second.models.map((m) => m.name), ['gamma']);
    assert.equal(second.nextPageToken, '');
    const all: string[] = [];
    for await (const model of client.allModels({ pageSize: 1 })) all.push(model.name);
    assert.deepEqual(all, ['alpha', 'beta', 'gamma']);
    const version = (await client.getModel('gamma@v1')).versions[0]!;
    assert.equal(version.metrics?.complete, true);
    assert.ok(version.createTime !== null);
    assert.equal((await rejection(client.listModels({ pageToken: 'forged' }))).fieldViolations[0]?.field, 'page_token');
  });

  void test('a deadline ends the call with DEADLINE_EXCEEDED, and an aborted signal rejects with its reason', async () => {
    const late = await rejection(client.translate({ requestId: 'late', images: [{ data: png }] }, { timeoutMs: 1 }));
    assert.equal(late.code, status.DEADLINE_EXCEEDED);
    const controller = new AbortController();
    const call = client.translate({ requestId: 'aborted', images: [{ data: png }] }, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(call, /stop/);
  });
});

void describe('TranslateStream', () => {
  void test('an async iterable in, one response per request out, never more than maxInFlightPerStream ahead', async () => {
    let sent = 0;
    let received = 0;
    let lead = 0;
    async function* requests(): AsyncGenerator<TranslateRequest> {
      for (let i = 0; i < 24; i++) {
        sent += 1;
        lead = Math.max(lead, sent - received);
        yield { images: [{ data: await Promise.resolve(png) }] };
      }
    }
    const stream = createTranslatorClient(server.address, { maxInFlightPerStream: 3 });
    const ids = new Set<string>();
    for await (const response of stream.translateStream(requests())) {
      received += 1;
      ids.add(response.requestId);
      assert.equal(response.results.length, 1);
      await sleep(10); // a slow consumer
    }
    stream.close();
    assert.equal(received, 24);
    assert.deepEqual([...ids].sort((a, b) => Number(a) - Number(b)), Array.from({ length: 24 }, (_, i) => String(i)), 'request ids default to the index');
    // 3 unanswered, plus the one request pulled and waiting for a slot, plus the response on its way to the loop.
    assert.ok(lead <= 3 + 2, `the producer ran ${lead} requests ahead of the consumer`);
  });

  void test('a failed request is answered with its error and the stream goes on; breaking early cancels', async () => {
    const responses: TranslateResponse__Output[] = [];
    const requests = [{ requestId: 'ok', images: [{ data: png }] }, { requestId: 'broken', images: [] }, { requestId: 'after', images: [{ data: png }] }];
    for await (const response of client.translateStream(requests)) responses.push(response);
    const byId = new Map(responses.map((r) => [r.requestId, r]));
    assert.deepEqual([...byId.keys()].sort(), ['after', 'broken', 'ok']);
    assert.equal(byId.get('broken')!.error?.code, status.INVALID_ARGUMENT);
    assert.match(byId.get('broken')!.error?.message ?? '', /Request "broken"|no images/i);
    for (const id of ['ok', 'after']) assert.equal(byId.get(id)!.results.length, 1);

    function* endless(): Generator<TranslateRequest> {
      for (;;) yield { images: [{ data: png }] };
    }
    let count = 0;
    for await (const _ of client.translateStream(endless())) if (++count === 3) break;
    assert.equal(count, 3);
  });
});

void describe('retries and options', () => {
  void test('UNAVAILABLE is retried with backoff until the server is up; the attempts are counted when it never is', async () => {
    const port = await freePort();
    const early = createTranslatorClient(`127.0.0.1:${port}`, { retry: { maxAttempts: 1000, initialBackoffMs: 50, maxBackoffMs: 500 }, timeoutMs: 120_000 });
    // Settled at once so that a rejection is not unhandled while the server starts.
    const pending = early.listModels().then(
      (page) => page.models.length,
      (error: unknown) => error,
    );
    await sleep(300);
    const late = await startTranslatorProcess({ REGISTRY_DIR: registry.dir, PORT: String(port) });
    try {
      assert.equal(await pending, 3);
    } finally {
      early.close();
      await late.stop();
    }
    const nobody = createTranslatorClient(`127.0.0.1:${await freePort()}`, { retry: { maxAttempts: 3, initialBackoffMs: 10 } });
    const refused = await rejection(nobody.listModels());
    nobody.close();
    assert.equal(refused.code, status.UNAVAILABLE);
    assert.equal(refused.attempts, 3);
  });

  void test('bad options are refused with ClientConfigError naming the option', () => {
    assert.throws(() => createTranslatorClient('127.0.0.1:1', { tls: { cert: 'x' } }), (e: unknown) => e instanceof ClientConfigError && e.field === 'tls');
    assert.throws(() => createTranslatorClient('127.0.0.1:1', { token: 'a\nb' }), /token must be/);
    assert.throws(() => createTranslatorClient('127.0.0.1:1', { timeoutMs: 0 }), /timeoutMs must be an integer at least 1, got 0\./);
  });
});
