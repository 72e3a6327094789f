import { createHash } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import { trace, type Tracer } from '@opentelemetry/api';
import { encodeLabelledBatch, type LabelledBatch } from '@sim2real/contracts';
import { withProducerSpan } from '@sim2real/telemetry';
import { PayloadTooLargeError } from './errors.js';
import { batchMessageId, syntheticSubject } from './subjects.js';

/** Room kept under `max_payload` for the subject and headers (message id, trace context). */
const HEADER_ROOM_BYTES = 4096;

/** Options of `publishBatches`. */
export interface PublishBatchesOptions {
  readonly js: JetStreamClient;
  /** The server's `max_payload` (`nc.info.max_payload`); larger batches are split. */
  readonly maxPayloadBytes: number;
  /** Publishes awaiting their ack at once. @default 4 */
  readonly concurrency?: number;
  /** @default the global tracer 'sim2real.publish' */
  readonly tracer?: Tracer;
  readonly signal?: AbortSignal;
  /** Called after each stored (or de-duplicated) batch. */
  readonly onPublished?: (batch: PublishedBatch) => void;
}

/** One batch stored in the synthetic stream. */
export interface PublishedBatch {
  readonly batchId: string;
  readonly dataset: string;
  readonly samples: number;
  readonly bytes: number;
  /** The stream already had this message id (a re-publish within the de-duplication window). */
  readonly duplicate: boolean;
}

/** Totals of a `publishBatches` run. */
export interface PublishSummary {
  readonly batches: number;
  readonly samples: number;
  readonly bytes: number;
  readonly duplicates: number;
}

/** A batch id from the dataset, the ids of its samples and its index: the same input publishes the same ids. */
export function deterministicBatchId(dataset: string, sampleIds: readonly string[], index: number): string {
  const hash = createHash('sha256');
  hash.update(`${dataset}\0${index}\0`);
  for (const id of sampleIds) hash.update(`${id}\0`);
  return `${dataset}-${String(index).padStart(6, '0')}-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The batch as one or more batches that each fit in `maxPayloadBytes`: halved by samples (ids
 * `<batch id>.0`, `<batch id>.1`, recursively) until they fit. Throws PayloadTooLargeError when a
 * single sample does not fit.
 */
export function splitToFit(batch: LabelledBatch, maxPayloadBytes: number): { batch: LabelledBatch; data: Uint8Array }[] {
  const data = encodeLabelledBatch(batch);
  const limit = maxPayloadBytes - HEADER_ROOM_BYTES;
  if (data.length <= limit) return [{ batch, data }];
  const samples = batch.samples ?? [];
  if (samples.length <= 1) {
    throw new PayloadTooLargeError(
      `Sample "${samples[0]?.id ?? ''}" of batch "${batch.batchId}" alone is ${data.length} bytes, over the NATS server's max_payload of ${maxPayloadBytes} bytes: use smaller images or raise max_payload.`,
      data.length,
      maxPayloadBytes,
    );
  }
  const half = Math.ceil(samples.length / 2);
  return [samples.slice(0, half), samples.slice(half)].flatMap((part, i) =>
    splitToFit({ ...batch, batchId: `${batch.batchId}.${i}`, samples: part }, maxPayloadBytes),
  );
}

/**
 * Publishes labelled batches to `sim2real.batches.synthetic.<dataset>` with `Nats-Msg-Id` = batchMessageId(dataset, batch id)
 * (so a re-run stores nothing twice) and a PRODUCER span each whose context travels in the headers.
 * Waits for every publish ack; at most `concurrency` are outstanding.
 */
export async function publishBatches(
  batches: Iterable<LabelledBatch> | AsyncIterable<LabelledBatch>,
  options: PublishBatchesOptions,
): Promise<PublishSummary> {
  const tracer = options.tracer ?? trace.getTracer('sim2real.publish');
  const concurrency = options.concurrency ?? 4;
  const totals = { batches: 0, samples: 0, bytes: 0, duplicates: 0 };
  const outstanding = new Set<Promise<void>>();
  let failure: Error | undefined;

  const publishOne = async (batch: LabelledBatch, data: Uint8Array): Promise<void> => {
    const batchId = batch.batchId ?? '';
    const dataset = batch.dataset ?? '';
    const subject = syntheticSubject(dataset);
    const hdrs = natsHeaders();
    const messageId = batchMessageId(dataset, batchId);
    const ack = await withProducerSpan(tracer, { destination: subject, messageId }, hdrs, () =>
      options.js.publish(subject, data, { msgID: messageId, headers: hdrs }),
    );
    const published = { batchId, dataset, samples: batch.samples?.length ?? 0, bytes: data.length, duplicate: ack.duplicate };
    totals.batches += 1;
    totals.samples += published.samples;
    totals.bytes += published.bytes;
    if (ack.duplicate) totals.duplicates += 1;
    options.onPublished?.(published);
  };

  for await (const batch of batches) {
    for (const part of splitToFit(batch, options.maxPayloadBytes)) {
      options.signal?.throwIfAborted();
      while (outstanding.size >= concurrency) await Promise.race(outstanding);
      if (failure !== undefined) break;
      const work = publishOne(part.batch, part.data).catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
      outstanding.add(work);
      void work.finally(() => outstanding.delete(work));
    }
    if (failure !== undefined) break;
  }
  await Promise.all(outstanding);
  if (failure !== undefined) throw failure;
  return totals;
}
