import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, metrics, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { fieldsGetter, metadataGetter, type TraceContextFields } from '@sim2real/telemetry';
import { status } from '@grpc/grpc-js';
import { ATTR_RPC_METHOD, ATTR_RPC_STATUS_CODE, ATTR_RPC_SYSTEM_NAME, METRIC_RPC_SERVER_CALL_DURATION } from '@opentelemetry/semantic-conventions';
import type { Metadata } from '@grpc/grpc-js';
import { callerOf } from './auth.js';

const SCOPE = '@sim2real/translator';
/** Histogram buckets for durations in seconds (OpenTelemetry's advice for rpc/http durations). */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
export const RPC_SERVICE = 'sim2real.v1.Translator';

/** Status codes that mark a SERVER span as an error (OpenTelemetry gRPC semantic conventions). */
const SERVER_ERROR_CODES = new Set<status>([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

/** Model attributes recorded on spans and metrics. */
export interface ModelAttributes {
  name: string;
  version: string;
  batchSize: number;
}

/**
 * The service's spans and instruments. Instruments are created with the server, so a MeterProvider must be
 * registered (startTelemetry) before createTranslatorServer for metrics to be exported.
 */
export class ServerTelemetry {
  readonly #tracer = trace.getTracer(SCOPE);
  readonly #meter = metrics.getMeter(SCOPE);
  readonly #images = this.#meter.createCounter('sim2real.translator.images', {
    description: 'Images translated',
    unit: '{image}',
  });
  readonly #batchSize = this.#meter.createHistogram('sim2real.translator.batch.size', {
    description: 'Images per inference batch',
    unit: '{image}',
    advice: { explicitBucketBoundaries: [1, 2, 4, 8, 16, 32, 64, 128] },
  });
  readonly #queueDuration = this.#meter.createHistogram('sim2real.translator.queue.duration', {
    description: 'How long the oldest image of an inference batch waited for the batch to start',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  readonly #computeDuration = this.#meter.createHistogram('sim2real.translator.compute.duration', {
    description: 'Inference time of one batch',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  readonly #duration = this.#meter.createHistogram(METRIC_RPC_SERVER_CALL_DURATION, {
    description: 'Duration of gRPC calls (for TranslateStream: of each request)',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });

  /** Reports the queue length and the calls in progress as gauges, read at each collection. */
  observe(sources: { queuedImages: () => number; activeCalls: () => number }): void {
    this.#meter
      .createObservableGauge('sim2real.translator.queue.size', { description: 'Images decoded and waiting for an inference batch', unit: '{image}' })
      .addCallback((result) => result.observe(sources.queuedImages()));
    this.#meter
      .createObservableGauge('sim2real.translator.requests.active', { description: 'gRPC calls in progress (in flight)', unit: '{request}' })
      .addCallback((result) => result.observe(sources.activeCalls()));
  }

  /** Starts the SERVER span of a call, child of the context carried in its metadata. */
  startCall(method: string, metadata: Metadata): { span: Span; context: Context } {
    const parent = propagation.extract(context.active(), metadata, metadataGetter);
    const span = this.#tracer.startSpan(
      `${RPC_SERVICE}/${method}`,
      // The caller's name as the access layer stamped it (never the token).
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': RPC_SERVICE, 'rpc.method': method, 'enduser.id': callerOf(metadata).name } },
      parent,
    );
    return { span, context: trace.setSpan(parent, span) };
  }

  /**
   * The SERVER span of one request of a TranslateStream: a child of the client span whose context the request
   * carries in `trace_context` (linked to the stream's span), or of the stream's span when it carries none.
   */
  startRequest(stream: Context, requestId: string, traceContext: TraceContextFields): Span {
    const remote = propagation.extract(ROOT_CONTEXT, traceContext, fieldsGetter);
    const fromRequest = trace.getSpanContext(remote) !== undefined;
    const streamSpan = trace.getSpanContext(stream);
    return this.#tracer.startSpan(
      `${RPC_SERVICE}/TranslateStream`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': RPC_SERVICE, 'rpc.method': 'TranslateStream', 'sim2real.request_id': requestId },
        links: fromRequest && streamSpan ? [{ context: streamSpan, attributes: { 'sim2real.link': 'stream' } }] : [],
      },
      fromRequest ? remote : stream,
    );
  }

  /** Sets the model attributes on a span. */
  setModel(span: Span, model: ModelAttributes): void {
    span.setAttributes({
      'sim2real.model': model.name,
      'sim2real.model_version': model.version,
      'sim2real.batch_size': model.batchSize,
    });
  }

  /** Ends a call's span with its final gRPC status (exactly once per span). */
  endCall(span: Span, code: status, details?: string): void {
    span.setAttribute('rpc.grpc.status_code', code);
    if (SERVER_ERROR_CODES.has(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
    span.end();
  }


  /** One Translate call or TranslateStream request: its images (per model) and its duration (per method, status, model). */
  recordTranslated(images: number, model: string, method: string, durationMs: number, code: status): void {
    const attributes: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: 'grpc',
      [ATTR_RPC_METHOD]: `${RPC_SERVICE}/${method}`,
      [ATTR_RPC_STATUS_CODE]: status[code],
      ...(model ? { 'sim2real.model': model } : {}),
    };
    if (images > 0) this.#images.add(images, { 'sim2real.model': model });
    this.#duration.record(durationMs / 1000, attributes);
  }

  /** One inference batch of a model version (`model` = name@version) on an engine. */
  recordBatch(report: { size: number; key: string; waitedMs: number; durationMs: number }, engine: string): void {
    const attributes = { 'sim2real.model': report.key, 'sim2real.engine': engine };
    this.#batchSize.record(report.size, attributes);
    this.#queueDuration.record(report.waitedMs / 1000, attributes);
    this.#computeDuration.record(report.durationMs / 1000, attributes);
  }
}
