import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import { encodeLabelledBatch, sampleLabelBytes, type LabelledBatch } from '@sim2real/contracts';
import { batchMessageId, publishBatches, syntheticSubject } from '@sim2real/messaging';
import { SeededRandom } from '@sim2real/random';
import { makeBatch } from '../../test/helpers.js';

/** The dataset the soak publishes to (one route, one durable consumer). */
export const CHAOS_DATASET = 'chaos';

/**
 * Batches no adapter can ever translate, published on purpose: they must reach the dead subject with a reason.
 * `undecodable`: bytes that are no LabelledBatch; `invalid`: a raw image one byte short; `refused`: a PNG whose
 * bytes are not a PNG (only the translator finds out).
 */
export const POISON_KINDS = ['undecodable', 'invalid', 'refused'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

/** One batch the publisher stored. */
export interface PublishedRecord {
  readonly batchId: string;
  /** `Nats-Msg-Id` in the synthetic stream. */
  readonly messageId: string;
  readonly poison?: PoisonKind;
  /** Hex of each sample's encoded label, as published (good batches). */
  readonly labels: readonly string[];
  /** Publish attempts that failed before the stream stored it (nats-server down or frozen). */
  readonly failedAttempts: number;
}

export interface PublisherOptions {
  readonly js: JetStreamClient;
  readonly maxPayloadBytes: number;
  /** Batches per second, kept whatever happens downstream (a late batch goes out at once). */
  readonly ratePerS: number;
  /** Publishing stops at this many ms from `startedAt`. */
  readonly durationMs: number;
  readonly samplesPerBatch: number;
  /** Seeds where the poison batches go. */
  readonly seed: number;
  readonly signal: AbortSignal;
}

const RETRY_DELAY_MS = 250;

/** Hex of each sample's encoded label: what "byte-identical" compares. */
export const labelHex = (batchBytes: Uint8Array): string[] => sampleLabelBytes(batchBytes).map((b) => (b ? Buffer.from(b).toString('hex') : ''));

/**
 * Publishes good batches (16 px raw RGB, every label kind) at a fixed rate through `publishBatches`, as
 * `sim2real publish` does, with one poison batch of each kind at seeded positions; a publish that fails is
 * retried with the same message id until stored (the stream de-duplicates). Returns what was stored.
 */
export async function publishAtFixedRate(options: PublisherOptions, published: PublishedRecord[] = []): Promise<PublishedRecord[]> {
  const total = Math.floor((options.ratePerS * options.durationMs) / 1000);
  const random = SeededRandom.fromSeeds(options.seed, 0x9015);
  const poisonAt = new Map(POISON_KINDS.map((kind, i) => [Math.floor(((i + random.next()) * total) / POISON_KINDS.length), kind] as const));
  const startedAt = performance.now();
  for (let index = 0; index < total && !options.signal.aborted; index++) {
    const dueMs = (index * 1000) / options.ratePerS - (performance.now() - startedAt);
    if (dueMs > 0) await sleep(dueMs, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal.aborted) break;
    const poison = poisonAt.get(index);
    const batch = poison ? poisonBatch(poison, index, options.samplesPerBatch) : makeBatch(CHAOS_DATASET, `b${index}`, options.samplesPerBatch);
    const batchId = batch.batchId!;
    let failedAttempts = 0;
    let stored = false;
    while (!stored && !options.signal.aborted) {
      try {
        if (poison === 'undecodable') {
          await options.js.publish(syntheticSubject(CHAOS_DATASET), UNDECODABLE, { msgID: batchMessageId(CHAOS_DATASET, batchId) });
        } else {
          await publishBatches([batch], { js: options.js, maxPayloadBytes: options.maxPayloadBytes, concurrency: 1 });
        }
        stored = true;
      } catch {
        failedAttempts += 1;
        await sleep(RETRY_DELAY_MS);
      }
    }
    if (!stored) break;
    const labels = poison ? [] : labelHex(encodeLabelledBatch(batch));
    published.push({ batchId, messageId: batchMessageId(CHAOS_DATASET, batchId), ...(poison ? { poison } : {}), labels, failedAttempts });
  }
  return published;
}

/** Starts with a tag of wire type 7, which protobuf does not have, so no decoder gets past the first byte. */
const UNDECODABLE = Uint8Array.from([0x07, 0xde, 0xad, 0xbe, 0xef]);

function poisonBatch(kind: PoisonKind, index: number, samples: number): LabelledBatch {
  const batch = makeBatch(CHAOS_DATASET, `poison-${kind}-${index}`, samples);
  const first = batch.samples![0]!;
  const image = first.image!;
  if (kind === 'invalid') first.image = { ...image, data: (image.data as Buffer).subarray(1) };
  if (kind === 'refused') first.image = { data: Buffer.from('not a png at all'), encoding: 'ENCODING_PNG' };
  return batch;
}
