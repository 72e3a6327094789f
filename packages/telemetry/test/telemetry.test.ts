import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Metadata } from '@grpc/grpc-js';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  TelemetryConfigError,
  fieldsGetter,
  metadataGetter,
  natsHeadersGetter,
  resolveTelemetryConfig,
  startTelemetry,
  withConsumerSpan,
  withProducerSpan,
  withRpcClientSpan,
} from '@sim2real/telemetry';

function start(): { exporter: InMemorySpanExporter; shutdown: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const telemetry = startTelemetry({ serviceName: 'test', exporter: 'none', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, shutdown: () => telemetry.shutdown() };
}

void test('config: otlp without an endpoint is refused; an endpoint picks otlp', () => {
  assert.throws(() => resolveTelemetryConfig({ serviceName: 's', exporter: 'otlp' }), TelemetryConfigError);
  const config = resolveTelemetryConfig({ serviceName: 's', otlpEndpoint: 'http://collector:4318/' });
  assert.equal(config.exporter, 'otlp');
  assert.equal(config.otlpEndpoint, 'http://collector:4318');
  assert.equal(resolveTelemetryConfig({ serviceName: 's' }).exporter, 'none');
});

void test('producer → consumer → rpc client spans share a trace with the right parents, each ended once', async () => {
  const { exporter, shutdown } = start();
  try {
    const tracer = trace.getTracer('test');
    const hdrs = natsHeaders();
    await withProducerSpan(tracer, { destination: 'sim2real.batches.synthetic.d', messageId: 'b1' }, hdrs, async () => {});
    assert.match(hdrs.get('traceparent'), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const metadata = new Metadata();
    await withConsumerSpan(tracer, { destination: 'sim2real.batches.synthetic.d', messageId: 'b1' }, hdrs, () =>
      withRpcClientSpan(tracer, { service: 'sim2real.v1.Translator', method: 'Translate' }, { metadata }, async () => {}),
    );
    const [producer, client, consumer] = exporter.getFinishedSpans();
    assert.equal(exporter.getFinishedSpans().length, 3);
    assert.equal(producer!.kind, SpanKind.PRODUCER);
    assert.equal(producer!.attributes['messaging.system'], 'nats');
    assert.equal(producer!.attributes['messaging.destination.name'], 'sim2real.batches.synthetic.d');
    assert.equal(producer!.attributes['messaging.operation.type'], 'publish');
    assert.equal(producer!.attributes['messaging.message.id'], 'b1');
    assert.equal(consumer!.kind, SpanKind.CONSUMER);
    assert.equal(consumer!.attributes['messaging.operation.type'], 'process');
    assert.equal(client!.kind, SpanKind.CLIENT);
    const traceId = producer!.spanContext().traceId;
    assert.equal(consumer!.spanContext().traceId, traceId);
    assert.equal(client!.spanContext().traceId, traceId);
    assert.equal(consumer!.parentSpanContext?.spanId, producer!.spanContext().spanId);
    assert.equal(client!.parentSpanContext?.spanId, consumer!.spanContext().spanId);
    // The server side reads the client span's context back from the metadata.
    const remote = trace.getSpanContext(propagation.extract(context.active(), metadata, metadataGetter));
    assert.equal(remote?.spanId, client!.spanContext().spanId);
  } finally {
    await shutdown();
  }
});

void test('a request on a stream carries its client span context in its own trace-context fields', async () => {
  const { exporter, shutdown } = start();
  try {
    const tracer = trace.getTracer('test');
    const fields: Record<string, string> = {};
    await withRpcClientSpan(tracer, { service: 'sim2real.v1.Translator', method: 'TranslateStream' }, { fields }, async () => {});
    const [client] = exporter.getFinishedSpans();
    assert.deepEqual(Object.keys(fields), ['traceparent']);
    assert.equal(fields.traceparent, `00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`);
    const remote = trace.getSpanContext(propagation.extract(context.active(), fields, fieldsGetter));
    assert.equal(remote?.spanId, client!.spanContext().spanId);
    assert.equal(remote?.isRemote, true);
    assert.equal(trace.getSpanContext(propagation.extract(context.active(), {}, fieldsGetter)), undefined);
    assert.equal(trace.getSpanContext(propagation.extract(context.active(), undefined, fieldsGetter)), undefined);
  } finally {
    await shutdown();
  }
});

void test('a failing body marks the span as an error, ends it once and rethrows', async () => {
  const { exporter, shutdown } = start();
  try {
    const tracer = trace.getTracer('test');
    await assert.rejects(
      withConsumerSpan(tracer, { destination: 'x' }, undefined, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.status.code, 2);
    assert.equal(spans[0]!.events[0]!.name, 'exception');
    assert.equal(spans[0]!.parentSpanContext, undefined);
  } finally {
    await shutdown();
  }
});

void test('header getters match names case-insensitively and treat absence as undefined', () => {
  const hdrs = natsHeaders();
  hdrs.set('Traceparent', 'x');
  assert.equal(natsHeadersGetter.get(hdrs, 'traceparent'), 'x');
  assert.equal(natsHeadersGetter.get(hdrs, 'tracestate'), undefined);
  assert.equal(natsHeadersGetter.get(undefined, 'traceparent'), undefined);
  assert.deepEqual(natsHeadersGetter.keys(undefined), []);
});

void test('shutdown unregisters the globals so telemetry can start again', async () => {
  const first = start();
  await first.shutdown();
  const second = start();
  try {
    trace.getTracer('t').startSpan('again').end();
    assert.equal(second.exporter.getFinishedSpans().length, 1);
    assert.equal(first.exporter.getFinishedSpans().length, 0);
  } finally {
    await second.shutdown();
  }
});
