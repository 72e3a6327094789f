import { SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import {
  fieldsSetter,
  metadataSetter,
  natsHeadersGetter,
  natsHeadersSetter,
  type MetadataCarrier,
  type NatsHeadersCarrier,
  type TraceContextFields,
} from './propagation.js';

// Messaging and RPC attribute names (semantic conventions, incubating: copied here as OpenTelemetry advises).
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';

/** What a messaging span is about. */
export interface MessagingSpanInfo {
  /** The subject published to or consumed from. */
  readonly destination: string;
  /** The message id (for NATS JetStream: the `Nats-Msg-Id`, i.e. the batch id). */
  readonly messageId?: string;
  /** Extra attributes. */
  readonly attributes?: Attributes;
}

/**
 * Runs `fn` inside a PRODUCER span `publish <subject>` (child of the active context) after writing
 * that span's context into `headers`, so the consumer can continue the trace. Ends the span once.
 */
export async function withProducerSpan<T>(
  tracer: Tracer,
  info: MessagingSpanInfo,
  headers: NatsHeadersCarrier,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`publish ${info.destination}`, {
    kind: SpanKind.PRODUCER,
    attributes: messagingAttributes(info, 'publish', 'publish'),
  });
  const ctx = trace.setSpan(context.active(), span);
  propagation.inject(ctx, headers, natsHeadersSetter);
  return runInSpan(span, ctx, fn);
}

/**
 * Runs `fn` inside a CONSUMER span `process <subject>` whose parent is the producer's context read
 * from `headers` (a new trace when there is none). Ends the span once.
 */
export async function withConsumerSpan<T>(
  tracer: Tracer,
  info: MessagingSpanInfo,
  headers: NatsHeadersCarrier | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers, natsHeadersGetter);
  const span = tracer.startSpan(
    `process ${info.destination}`,
    { kind: SpanKind.CONSUMER, attributes: messagingAttributes(info, 'process', 'process') },
    parent,
  );
  return runInSpan(span, trace.setSpan(parent, span), fn);
}

/** What a gRPC client span is about. */
export interface RpcSpanInfo {
  /** Full service name, e.g. `sim2real.v1.Translator`. */
  readonly service: string;
  readonly method: string;
  readonly attributes?: Attributes;
}

/**
 * Where a client span's context travels to the server: the call's gRPC `metadata`, or, for a request sent on a
 * long-lived stream opened earlier (whose metadata was sent once, for every request), the request message's own
 * trace-context `fields`.
 */
export type RpcCarrier = { readonly metadata: MetadataCarrier } | { readonly fields: TraceContextFields };

/**
 * Runs `fn` inside a CLIENT span `<service>/<method>` (child of the active context) after writing its context
 * into `carrier`, so the server's span can be its child. Ends the span once. Without a carrier the span only
 * times the call on the client side.
 */
export async function withRpcClientSpan<T>(
  tracer: Tracer,
  info: RpcSpanInfo,
  carrier: RpcCarrier | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`${info.service}/${info.method}`, {
    kind: SpanKind.CLIENT,
    attributes: { [ATTR_RPC_SYSTEM]: 'grpc', [ATTR_RPC_SERVICE]: info.service, [ATTR_RPC_METHOD]: info.method, ...info.attributes },
  });
  const ctx = trace.setSpan(context.active(), span);
  if (carrier && 'metadata' in carrier) propagation.inject(ctx, carrier.metadata, metadataSetter);
  else if (carrier) propagation.inject(ctx, carrier.fields, fieldsSetter);
  return runInSpan(span, ctx, fn);
}

function messagingAttributes(info: MessagingSpanInfo, operationType: string, operationName: string): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: 'nats',
    [ATTR_MESSAGING_DESTINATION_NAME]: info.destination,
    [ATTR_MESSAGING_OPERATION_TYPE]: operationType,
    [ATTR_MESSAGING_OPERATION_NAME]: operationName,
    ...(info.messageId === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_ID]: info.messageId }),
    ...info.attributes,
  };
}

async function runInSpan<T>(span: Span, ctx: ReturnType<typeof context.active>, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await context.with(ctx, () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
