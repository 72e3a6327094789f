import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, metrics, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { fieldsGetter, metadataGetter, type TraceContextFields } from '@sim2real/telemetry';
import { status } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { callerOf } from './auth.js';

const SCOPE = '@sim2real/translator';
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
  readonly #batchSize = this.#meter.createHistogram('sim2real.translator.batch_size', {
    description: 'Images per inference batch',
    unit: '{image}',
    advice: { explicitBucketBoundaries: [1, 2, 4, 8, 16, 32, 64, 128] },
  });
  readonly #duration = this.#meter.createHistogram('rpc.server.duration', {
    description: 'Duration of gRPC calls (for TranslateStream: of each request)',
    unit: 'ms',
  });

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


  recordTranslated(images: number, model: string, method: string, durationMs: number, code: status): void {
    const attributes: Attributes = { 'rpc.system': 'grpc', 'rpc.service': RPC_SERVICE, 'rpc.method': method, 'rpc.grpc.status_code': code };
    if (images > 0) this.#images.add(images, { 'sim2real.model': model });
    this.#duration.record(durationMs, attributes);
  }

  recordBatch(size: number, model: string): void {
    this.#batchSize.record(size, { 'sim2real.model': model });
  }
}
