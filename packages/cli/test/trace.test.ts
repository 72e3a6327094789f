import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { decodeLabelledBatch } from '@sim2real/contracts';
import { ADAPTED_STREAM, SYNTHETIC_STREAM, startNatsServer } from '@sim2real/messaging';
import { iterateFaces } from '@sim2real/face-synth';
import { encodePng } from '@sim2real/imaging';
import { BIN } from './cli.js';

/** OTLP/JSON span kinds. */
const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface OtlpTraces {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** A span as received, with its service and flattened attributes. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
}

function flatten(attributes: OtlpAttribute[] | undefined): ReceivedSpan['attributes'] {
  const v = (value: OtlpValue): string | number | boolean | undefined =>
    value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.boolValue ?? value.doubleValue;
  return Object.fromEntries((attributes ?? []).map((a) => [a.key, v(a.value)]));
}

/** An OTLP/HTTP receiver (JSON, as @opentelemetry/exporter-*-otlp-http send it) that keeps every span. */
async function startReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url === '/v1/traces') {
        assert.match(String(req.headers['content-type']), /application\/json/);
        const traces = JSON.parse(body.toString('utf8')) as OtlpTraces;
        for (const resourceSpans of traces.resourceSpans ?? []) {
          const service = String(flatten(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const s of scope.spans ?? []) {
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                kind: s.kind,
                attributes: flatten(s.attributes),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A `sim2real` child process with its output kept. */
interface Child {
  readonly proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

function sim2real(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TFJS_BACKEND: 'wasm', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => output,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(output);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`sim2real ${args[0]}: no ${String(pattern)} within ${timeoutMs} ms; output:\n${output}`));
        }, timeoutMs);
        const onExit = (): void => {
          done();
          reject(new Error(`sim2real ${args[0]} exited before ${String(pattern)}; output:\n${output}`));
        };
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        listeners.add(check);
        proc.once('exit', onExit);
        check();
      }),
    exited: () => exit,
  };
}

function pattern(size: number, seed: number): { width: number; height: number; data: Uint8Array } {
  return { width: size, height: size, data: Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 29 + seed * 67) % 256) };
}

void test('one trace across processes: publish → adapter consume → translate RPC (client, server) → republish → regressor consume → training step; labels unchanged', { timeout: 300_000 }, async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'sim2real-trace-'));
  const receiver = await startReceiver();
  const nats = await startNatsServer();
  const children: Child[] = [];
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, NATS_URL: nats.url };
  try {
    // A tiny translator model (16 px, ngf 4, one residual block, 3 steps), trained through the CLI.
    for (const side of ['source', 'target']) {
      await mkdir(path.join(root, side));
      for (let i = 0; i < 3; i++) await writeFile(path.join(root, side, `${i}.png`), await encodePng(pattern(16, side === 'source' ? i : 10 + i)));
    }
    const train = sim2real(
      ['train', '--source', path.join(root, 'source'), '--target', path.join(root, 'target'), '--out', path.join(root, 'registry', 'tiny', 'v1'),
        '--size', '16', '--steps', '3', '--width', '4', '--blocks', '1'],
      { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    );
    assert.equal(await train.exited(), 0, train.output());

    const serve = sim2real(['serve', '--port', '0', '--host', '127.0.0.1', '--registry', path.join(root, 'registry')], env);
    children.push(serve);
    const regress = sim2real(['regress', '--dataset', 'faces', '--size', '16', '--outputs', '8', '--test-count', '0', '--max-batches', '1'], env);
    children.push(regress);
    const [, address] = await serve.waitFor(/translator listening on (\S+:\d+)/);
    const adapt = sim2real(['adapt', '--translator', address!, '--route', 'faces=tiny'], env);
    children.push(adapt);
    await adapt.waitFor(/"event":"adapter\.started"/);
    await regress.waitFor(/"event":"regressor\.started"/);

    const publish = sim2real(['publish', 'faces', '--count', '3', '--batch', '3', '--size', '24', '--dataset', 'faces'], env);
    children.push(publish);
    assert.equal(await publish.exited(), 0, publish.output());
    assert.equal(await regress.exited(), 0, regress.output());
    // Each process flushes its spans when it stops.
    for (const child of [adapt, serve]) child.proc.kill('SIGTERM');
    assert.equal(await adapt.exited(), 0, adapt.output());
    assert.equal(await serve.exited(), 0, serve.output());

    const spans = receiver.spans;
    const one = (service: string, kind: number, name: string): ReceivedSpan => {
      const found = spans.filter((s) => s.service === service && s.kind === kind && s.name === name && (kind !== KIND.SERVER || s.attributes['sim2real.request_id'] !== undefined));
      assert.equal(found.length, 1, `${service} ${name}: ${found.length} spans of ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
      return found[0]!;
    };
    const publishSpan = one('sim2real-publish', KIND.PRODUCER, 'publish sim2real.batches.synthetic.faces');
    const adapterConsume = one('sim2real-dataset-adapter', KIND.CONSUMER, 'process sim2real.batches.synthetic.faces');
    const rpcClient = one('sim2real-dataset-adapter', KIND.CLIENT, 'sim2real.v1.Translator/TranslateStream');
    const rpcServer = one('sim2real-translator', KIND.SERVER, 'sim2real.v1.Translator/TranslateStream');
    const republish = one('sim2real-dataset-adapter', KIND.PRODUCER, 'publish sim2real.batches.adapted.faces');
    const regressorConsume = one('sim2real-face-regressor', KIND.CONSUMER, 'process sim2real.batches.adapted.faces');
    const steps = spans.filter((s) => s.service === 'sim2real-face-regressor' && s.name === 'train step');
    assert.ok(steps.length >= 1, 'at least one training step span');

    const traceId = publishSpan.traceId;
    assert.match(traceId, /^[0-9a-f]{32}$/);
    for (const span of [adapterConsume, rpcClient, rpcServer, republish, regressorConsume, ...steps]) assert.equal(span.traceId, traceId, `${span.service} ${span.name}`);
    const chain: [ReceivedSpan, ReceivedSpan | undefined][] = [
      [publishSpan, undefined],
      [adapterConsume, publishSpan],
      [rpcClient, adapterConsume],
      [rpcServer, rpcClient],
      [republish, adapterConsume],
      [regressorConsume, republish],
      ...steps.map((step): [ReceivedSpan, ReceivedSpan] => [step, regressorConsume]),
    ];
    for (const [child, parent] of chain) assert.equal(child.parentSpanId, parent?.spanId, `parent of ${child.service} ${child.name}`);

    const messageId = publishSpan.attributes['messaging.message.id'];
    assert.match(String(messageId), /^faces:faces-000000-[0-9a-f]{16}$/);
    const batchId = String(messageId).slice('faces:'.length);
    const messaging = (span: ReceivedSpan, operation: 'publish' | 'process', destination: string): void => {
      assert.equal(span.attributes['messaging.system'], 'nats', span.name);
      assert.equal(span.attributes['messaging.destination.name'], destination, span.name);
      assert.equal(span.attributes['messaging.operation.type'], operation, span.name);
      assert.equal(span.attributes['messaging.operation.name'], operation, span.name);
      assert.equal(span.attributes['messaging.message.id'], messageId, span.name);
    };
    messaging(publishSpan, 'publish', 'sim2real.batches.synthetic.faces');
    messaging(adapterConsume, 'process', 'sim2real.batches.synthetic.faces');
    messaging(republish, 'publish', 'sim2real.batches.adapted.faces');
    messaging(regressorConsume, 'process', 'sim2real.batches.adapted.faces');
    assert.ok(adapterConsume.attributes['messaging.consumer.group.name'], 'adapter consumer group');
    assert.ok(regressorConsume.attributes['messaging.consumer.group.name'], 'regressor consumer group');
    for (const span of [rpcClient, rpcServer]) {
      assert.equal(span.attributes['rpc.system'], 'grpc', span.service);
      assert.equal(span.attributes['rpc.service'], 'sim2real.v1.Translator', span.service);
      assert.equal(span.attributes['rpc.method'], 'TranslateStream', span.service);
    }
    assert.equal(rpcServer.attributes['rpc.grpc.status_code'], 0);
    assert.equal(rpcServer.attributes['sim2real.request_id'], rpcClient.attributes['sim2real.request_id']);
    assert.equal(rpcServer.attributes['sim2real.model'], 'tiny');

    // The batch the regressor consumed carries the face model's coefficient vectors, unchanged, beside translated images.
    const client = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(client);
      const firstBatch = async (stream: string) => {
        const message = await jsm.streams.getMessage(stream, { seq: 1 });
        assert.ok(message, `a batch in ${stream}`);
        return decodeLabelledBatch(message.data);
      };
      const [synthetic, adapted] = [await firstBatch(SYNTHETIC_STREAM), await firstBatch(ADAPTED_STREAM)];
      assert.equal(adapted.batchId, batchId);
      assert.equal(adapted.samples.length, 3);
      let i = 0;
      for await (const face of iterateFaces({ count: 3, style: 'sim', size: 24 })) {
        const [published, received] = [synthetic.samples[i]!, adapted.samples[i++]!];
        assert.equal(received.id, face.id);
        assert.deepEqual(Float32Array.from(received.label?.vector?.values ?? []), face.params.coefficients);
        assert.notDeepEqual(received.image?.data, published.image?.data, `${face.id}: image translated`);
      }
    } finally {
      await client.close();
    }
  } finally {
    for (const child of children) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited()));
    await nats.close();
    await receiver.close();
    await rm(root, { recursive: true, force: true });
  }
});
