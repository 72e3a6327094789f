import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Tracer } from '@opentelemetry/api';
import { replaceSampleImages } from '@sim2real/contracts';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  withConsumerSpan,
  withProducerSpan,
  withRpcClientSpan,
} from '@sim2real/telemetry';
import type { AdapterConfig, Route } from './config.js';
import { publishDeadLetter } from './dead-letter.js';
import { BadBatchError, TranslationRefusedError, type DeadLetterKind } from './errors.js';
import type { AdapterMetrics } from './metrics.js';
import { HEADER_MODEL, HEADER_MSG_ID, adaptedSubject, consumerName } from './subjects.js';
import type { TranslateStreamClient } from './translator-client.js';
import { outputEncodingFor, validateBatch } from './validate.js';

/** What one batch needs from the adapter. */
export interface BatchContext {
  readonly config: AdapterConfig;
  readonly route: Route;
  readonly js: JetStreamClient;
  readonly translator: TranslateStreamClient;
  readonly tracer: Tracer;
  readonly metrics: AdapterMetrics;
  /** `max_payload` of the server. */
  readonly maxPayloadBytes: () => number;
  /** Aborted when the adapter gives up waiting for in-flight batches on stop. */
  readonly stopSignal: AbortSignal;
}

/** How a batch ended. */
export type BatchOutcome = 'adapted' | 'duplicate' | 'dead' | 'retry' | 'released';

/**
 * Adapts one synthetic batch: validate, translate (in-progress acks meanwhile), publish the adapted batch
 * (message id = batch id) and wait for its publish ack, then `ackAck()` the source. A bad batch goes to the
 * dead subject and is terminated; a transient failure is nak'ed with a delay growing with the delivery count,
 * or dead-lettered on the last allowed delivery.
 */
export async function handleBatch(msg: JsMsg, ctx: BatchContext): Promise<BatchOutcome> {
  const { config, route, tracer } = ctx;
  const started = performance.now();
  const info = {
    destination: msg.subject,
    messageId: msg.headers?.get(HEADER_MSG_ID) || undefined,
    attributes: { [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: consumerName(route.dataset) },
  };
  if (msg.info.deliveryCount > 1) ctx.metrics.redelivered(route.dataset);
  return withConsumerSpan(tracer, info, msg.headers, async (span) => {
    const working = setInterval(() => msg.working(), config.workingIntervalMs);
    try {
      const batch = validateBatch(msg.data, route.dataset);
      span.setAttribute('sim2real.batch.size', batch.samples.length);
      // The stream is shared by batches, so each request carries its own trace context (TranslateRequest.trace_context):
      // the translator's span of this request is a child of this client span.
      const requestId = randomUUID();
      const traceContext: Record<string, string> = {};
      const response = await withRpcClientSpan(
        tracer,
        { service: 'sim2real.v1.Translator', method: 'TranslateStream', attributes: { 'sim2real.model': route.model, 'sim2real.request_id': requestId } },
        { fields: traceContext },
        () =>
          ctx.translator.translate({
            requestId,
            model: route.model,
            images: batch.samples.map((s) => s.image!),
            outputEncoding: outputEncodingFor(batch, config.outputEncoding),
            traceContext,
            signal: ctx.stopSignal,
          }),
      );
      if (response.results.length !== batch.samples.length || response.results.some((r) => !r.image)) {
        throw new Error(`The translator answered ${response.results.length} images for ${batch.samples.length}.`);
      }
      const adapted = replaceSampleImages(msg.data, response.results.map((r) => r.image!));
      if (adapted.length > ctx.maxPayloadBytes()) {
        throw new BadBatchError(
          'too_large',
          `The adapted batch "${batch.batchId}" is ${adapted.length} bytes, over the server's max_payload of ${ctx.maxPayloadBytes()}: publish smaller batches.`,
        );
      }
      const subject = adaptedSubject(route.dataset);
      const hdrs = natsHeaders();
      hdrs.set(HEADER_MODEL, response.modelVersion);
      const ack = await withProducerSpan(tracer, { destination: subject, messageId: batch.batchId }, hdrs, () =>
        ctx.js.publish(subject, adapted, { msgID: batch.batchId, headers: hdrs }),
      );
      clearInterval(working);
      await msg.ackAck();
      ctx.metrics.adapted(route.dataset, batch.samples.length, performance.now() - started, ack.duplicate);
      return ack.duplicate ? 'duplicate' : 'adapted';
    } catch (error) {
      clearInterval(working);
      return settleFailure(msg, ctx, error);
    } finally {
      clearInterval(working);
    }
  });
}

async function settleFailure(msg: JsMsg, ctx: BatchContext, error: unknown): Promise<BatchOutcome> {
  const { config, route } = ctx;
  const deliveries = msg.info.deliveryCount;
  if (ctx.stopSignal.aborted) {
    msg.nak();
    return 'released';
  }
  let dead: { kind: DeadLetterKind; reason: string } | undefined;
  if (error instanceof BadBatchError) dead = { kind: error.kind, reason: error.reason };
  else if (error instanceof TranslationRefusedError) dead = { kind: 'refused', reason: error.message };
  else if (deliveries >= config.maxDeliver) {
    dead = { kind: 'max_deliveries', reason: `Gave up after ${deliveries} deliveries; last error: ${errorMessage(error)}` };
  }
  if (!dead) {
    const delayMs = Math.min(config.retryMaxDelayMs, config.retryBaseDelayMs * 2 ** (deliveries - 1));
    config.logger('batch.retry', { dataset: route.dataset, sequence: msg.seq, deliveries, delayMs, error: errorMessage(error) });
    msg.nak(delayMs);
    ctx.metrics.retried(route.dataset);
    return 'retry';
  }
  let fresh: boolean;
  try {
    fresh = await publishDeadLetter(ctx.js, {
      dataset: route.dataset,
      data: msg.data,
      headers: msg.headers,
      reason: dead.reason,
      sourceSequence: msg.info.streamSequence,
      deliveries,
    });
  } catch (publishError) {
    // Not stored in the dead stream: keep the original for a later delivery rather than lose it.
    config.logger('batch.dead_letter_failed', { dataset: route.dataset, sequence: msg.seq, error: errorMessage(publishError) });
    msg.nak(config.retryBaseDelayMs);
    return 'retry';
  }
  // No reason argument: servers before 2.11 do not parse "+TERM <reason>" and would ignore the term; the reason is in the headers.
  msg.term();
  if (fresh) ctx.metrics.deadLettered(route.dataset, dead.kind);
  config.logger('batch.dead', { dataset: route.dataset, sequence: msg.info.streamSequence, deliveries, kind: dead.kind, reason: dead.reason });
  return 'dead';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
