import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@sim2real/telemetry';
import { ADAPTED_STREAM, publishBatches, startNatsServer } from '@sim2real/messaging';
import { tinyRegistry } from '@sim2real/client/testing';
import { startRealTranslator } from './real-translator.js';
import { makeBatch, natsClient, readStream, startAdapter, streamCount, waitFor } from './helpers.js';

void test('producer → adapter consumer → translator client → translator request → republish share one trace with the right parents', async () => {
  const exporter = new InMemorySpanExporter();
  const telemetry = startTelemetry({ serviceName: 'trace-test', exporter: 'none', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const registry = await tinyRegistry(['m']);
  const nats = await startNatsServer();
  const translator = await startRealTranslator({ registryDir: registry.dir });
  const client = await natsClient(nats.url);
  const { adapter } = await startAdapter({ natsServers: nats.url, translatorAddress: translator.address });
  try {
    await publishBatches([makeBatch('digits', 'traced')], { js: client.js, maxPayloadBytes: 1 << 20 });
    await waitFor('adapted', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === 1);
    const isServer = (s: ReadableSpan): boolean => s.kind === SpanKind.SERVER && s.name === 'sim2real.v1.Translator/TranslateStream';
    await waitFor('the translator request span', () => exporter.getFinishedSpans().some((s) => isServer(s) && s.attributes['sim2real.request_id'] !== undefined));
    // The translator's SERVER span of the stream call ends when the adapter closes the stream.
    await adapter.stop();
    await waitFor('the stream call span', () => exporter.getFinishedSpans().filter(isServer).length === 2);
    const spans = exporter.getFinishedSpans();
    const find = (kind: SpanKind, name: string, only: (s: ReadableSpan) => boolean = () => true) => {
      const found = spans.filter((s) => s.kind === kind && s.name === name && only(s));
      assert.equal(found.length, 1, `${name}: ${found.length} spans`);
      return found[0]!;
    };
    const producer = find(SpanKind.PRODUCER, 'publish sim2real.batches.synthetic.digits');
    const consumer = find(SpanKind.CONSUMER, 'process sim2real.batches.synthetic.digits');
    const rpc = find(SpanKind.CLIENT, 'sim2real.v1.Translator/TranslateStream');
    const republish = find(SpanKind.PRODUCER, 'publish sim2real.batches.adapted.digits');
    const call = find(SpanKind.SERVER, 'sim2real.v1.Translator/TranslateStream', (s) => s.attributes['sim2real.request_id'] === undefined);
    const request = find(SpanKind.SERVER, 'sim2real.v1.Translator/TranslateStream', (s) => s.attributes['sim2real.request_id'] !== undefined);
    const traceId = producer.spanContext().traceId;
    for (const span of [consumer, rpc, request, republish]) assert.equal(span.spanContext().traceId, traceId, span.name);
    // One TranslateStream carries many batches: each request brings its client span's context in trace_context.
    assert.equal(request.parentSpanContext?.spanId, rpc.spanContext().spanId);
    assert.equal(request.links[0]?.context.spanId, call.spanContext().spanId);
    assert.notEqual(call.spanContext().traceId, traceId);
    assert.equal(request.attributes['sim2real.request_id'], rpc.attributes['sim2real.request_id']);
    assert.equal(producer.parentSpanContext, undefined);
    assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
    assert.equal(rpc.parentSpanContext?.spanId, consumer.spanContext().spanId);
    assert.equal(republish.parentSpanContext?.spanId, consumer.spanContext().spanId);
    assert.equal(consumer.attributes['messaging.message.id'], 'digits:traced');
    assert.equal(republish.attributes['messaging.message.id'], 'digits:traced');
    const [adapted] = await readStream(client.jsm, ADAPTED_STREAM);
    assert.equal(adapted!.header.get('traceparent'), `00-${traceId}-${republish.spanContext().spanId}-01`);
  } finally {
    await adapter.stop();
    await client.nc.close();
    await translator.kill();
    await nats.close();
    await registry.remove();
    await telemetry.shutdown();
  }
});
