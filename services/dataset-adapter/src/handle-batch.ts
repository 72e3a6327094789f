import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Span, Tracer } from '@opentelemetry/api';
import { replaceSampleImages, type LabelledBatch__Output } from '@sim2real/contracts';
import {
  HEADER_MODEL,
  HEADER_MSG_ID,
  adaptedSubject,
  batchMessageId,
  consumerName,
  permissionError,
  publishDeadLetter,
  terminate,
  type NatsPermissionError,
  type ServerFeatures,
} from '@sim2real/messaging';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  withConsumerSpan,
  withProducerSpan,
  withRpcClientSpan,
} from '@sim2real/telemetry';
import type { CircuitBreaker } from './breaker.js';
import type { AdapterConfig, Route } from './config.js';
import { BadBatchError, TranslationFailedError, TranslationRefusedError, TranslatorUnavailableError, type DeadLetterKind } from './errors.js';
import type { AdapterMetrics } from './metrics.js';
import type { TranslateResult, TranslateStreamClient } from './translator-client.js';
import { outputEncodingFor, validateBatch } from './validate.js';

/** What one batch needs from the adapter. */
export interface BatchContext {
  readonly config: AdapterConfig;
  readonly route: Route;
  readonly js: JetStreamClient;
  readonly translator: TranslateStreamClient;
  /** Holds batches back while the translator is unavailable (one per route). */
  readonly breaker: CircuitBreaker;
  readonly tracer: Tracer;
  readonly metrics: AdapterMetrics;
  /** `max_payload` of the server. */
  readonly maxPayloadBytes: () => number;
  /** What the NATS server can do (term with a reason or not). */
  readonly features: ServerFeatures;
  /** Aborted when the adapter starts stopping: batches waiting for the translator are released at once. */
  readonly drainSignal: AbortSignal;
  /** Aborted when the adapter gives up waiting for in-flight batches on stop. */
  readonly stopSignal: AbortSignal;
  /** Called when NATS denies a permission: the adapter stops, since no retry can help. */
  readonly fatal: (error: NatsPermissionError) => void;
}

/** How a batch ended. */
export type BatchOutcome = 'adapted' | 'duplicate' | 'dead' | 'retry' | 'released';

/**
 * Adapts one synthetic batch: validate, translate (waiting, with in-progress acks, while the translator is
 * unavailable: that never counts as a failed delivery), publish the adapted batch (message id =
 * batchMessageId(dataset, batch id)) and wait for its publish ack, then `ackAck()` the source. A batch that can
 * never be adapted goes to the dead subject with its reason and is terminated; another failure of the translator
 * on this batch is nak'ed with a growing delay and dead-lettered on the last allowed delivery.
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
      const response = await translateWhenAvailable(batch, ctx, span);
      if (response.results.length !== batch.samples.length || response.results.some((r) => !r.image)) {
        throw new TranslationFailedError(`The translator answered ${response.results.length} images for ${batch.samples.length}.`, 13);
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
      const messageId = batchMessageId(route.dataset, batch.batchId);
      const ack = await withProducerSpan(tracer, { destination: subject, messageId }, hdrs, () =>
        ctx.js.publish(subject, adapted, { msgID: messageId, headers: hdrs }),
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

/** Translates the batch, waiting behind the route's circuit breaker for as long as the translator is unavailable. */
async function translateWhenAvailable(batch: LabelledBatch__Output, ctx: BatchContext, span: Span): Promise<TranslateResult> {
  const { route, tracer, config } = ctx;
  for (let attempt = 1; ; attempt++) {
    const probe = await ctx.breaker.pass(ctx.drainSignal);
    // The stream is shared by batches, so each request carries its own trace context (TranslateRequest.trace_context):
    // the translator's span of this request is a child of this client span.
    const requestId = randomUUID();
    const traceContext: Record<string, string> = {};
    try {
      const result = await withRpcClientSpan(
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
      if (ctx.breaker.open) config.logger.info('translator.available', { dataset: route.dataset, model: route.model });
      ctx.breaker.success();
      return result;
    } catch (error) {
      if (error instanceof TranslatorUnavailableError && !ctx.stopSignal.aborted) {
        const delayMs = ctx.breaker.failure(probe);
        ctx.metrics.waited(route.dataset);
        if (delayMs > 0) {
          config.logger.warn('translator.unavailable', { dataset: route.dataset, failures: ctx.breaker.failures, pauseMs: delayMs, attempt, error: error.message });
        }
        span.addEvent('translator unavailable', { 'sim2real.attempt': attempt });
        continue;
      }
      if (ctx.stopSignal.aborted) ctx.breaker.release(probe);
      else ctx.breaker.success();
      throw error;
    }
  }
}

async function settleFailure(msg: JsMsg, ctx: BatchContext, error: unknown): Promise<BatchOutcome> {
  const { config, route } = ctx;
  const deliveries = msg.info.deliveryCount;
  const release = (): BatchOutcome => {
    try {
      msg.nak();
    } catch {
      // connection gone: the server redelivers after AckWait
    }
    return 'released';
  };
  if (ctx.stopSignal.aborted || ctx.drainSignal.aborted) return release();
  const denied = permissionError(error);
  if (denied) {
    ctx.fatal(denied);
    return release();
  }
  let dead: { kind: DeadLetterKind; reason: string } | undefined;
  if (error instanceof BadBatchError) dead = { kind: error.kind, reason: error.reason };
  else if (error instanceof TranslationRefusedError) dead = { kind: 'refused', reason: error.message };
  else if (error instanceof TranslationFailedError && deliveries >= config.maxDeliver) {
    dead = { kind: 'max_deliveries', reason: `Gave up after ${deliveries} deliveries; last error: ${error.message}` };
  }
  if (!dead) {
    // A failure of the translator on this batch counts as a delivery; a NATS error (publish ack lost, connection
    // down) is retried the same way but never dead-letters from here.
    const delayMs = Math.min(config.retryMaxDelayMs, config.retryBaseDelayMs * 2 ** (deliveries - 1));
    config.logger.warn('batch.retry', { dataset: route.dataset, sequence: msg.seq, deliveries, delayMs, error: errorMessage(error) });
    try {
      msg.nak(delayMs);
    } catch {
      // connection gone: the server redelivers after AckWait
    }
    ctx.metrics.retried(route.dataset);
    return 'retry';
  }
  let fresh: boolean;
  try {
    fresh = await publishDeadLetter(ctx.js, {
      dataset: route.dataset,
      data: msg.data,
      headers: msg.headers,
      kind: dead.kind,
      reason: dead.reason,
      sourceSequence: msg.info.streamSequence,
      deliveries,
    });
  } catch (publishError) {
    const deniedDead = permissionError(publishError);
    if (deniedDead) {
      ctx.fatal(deniedDead);
      return release();
    }
    // Not stored in the dead stream: keep the original for a later delivery rather than lose it.
    config.logger.error('batch.dead_letter_failed', { dataset: route.dataset, sequence: msg.seq, error: errorMessage(publishError) });
    msg.nak(config.retryBaseDelayMs);
    return 'retry';
  }
  // Plain term() on servers before 2.10.4 (they redeliver a message termed with a reason); the reason is in the dead copy's headers.
  terminateSafely(msg, dead.reason, ctx);
  if (fresh) ctx.metrics.deadLettered(route.dataset, dead.kind);
  config.logger.warn('batch.dead', { dataset: route.dataset, sequence: msg.info.streamSequence, deliveries, kind: dead.kind, reason: dead.reason });
  return 'dead';
}

function terminateSafely(msg: JsMsg, reason: string, ctx: BatchContext): void {
  try {
    terminate(msg, reason, ctx.features);
  } catch {
    // connection gone: redelivered, and the dead copy's message id keeps it from being stored twice
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
