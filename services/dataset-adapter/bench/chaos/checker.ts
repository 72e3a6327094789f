import type { JetStreamManager } from '@nats-io/jetstream';
import { decodeLabelledBatch } from '@sim2real/contracts';
import { ADAPTED_STREAM, DEAD_STREAM, HEADER_DEAD_KIND, HEADER_DEAD_REASON, HEADER_MSG_ID, HEADER_SOURCE_SEQUENCE, SYNTHETIC_STREAM } from '@sim2real/messaging';
import { readStream } from '../../test/helpers.js';
import { labelHex, type PublishedRecord } from './publisher.js';

/** A dead-lettered batch as the checker saw it. */
export interface DeadBatch {
  readonly batchId: string;
  readonly kind: string;
  readonly reason: string;
}

/** The verdict on every published batch. */
export interface ChaosCheck {
  readonly published: number;
  readonly poison: number;
  /** Good batches in the adapted stream exactly once with byte-identical labels. */
  readonly adaptedOnce: number;
  /** Good batches neither adapted nor dead-lettered. */
  readonly lost: string[];
  /** Batches in the adapted stream more than once. */
  readonly duplicated: string[];
  /** Adapted batches whose labels differ from the published ones. */
  readonly labelMismatches: string[];
  /** Poison batches in the dead stream, with their reasons. */
  readonly deadPoison: DeadBatch[];
  /** Poison batches not in the dead stream (or adapted). */
  readonly poisonNotDead: string[];
  /** Good batches in the dead stream. */
  readonly wronglyDead: DeadBatch[];
  /** Messages in the synthetic stream (the publisher's retries are de-duplicated: equals published). */
  readonly syntheticMessages: number;
}

/** Reads the three streams and checks every published batch: adapted exactly once with its labels, or (poison only) dead with a reason. */
export async function checkStreams(jsm: JetStreamManager, published: readonly PublishedRecord[]): Promise<ChaosCheck> {
  const synthetic = await readStream(jsm, SYNTHETIC_STREAM);
  const messageIdOfSequence = new Map(synthetic.map((m) => [m.seq, m.header?.get(HEADER_MSG_ID) ?? ''] as const));
  const adaptedCount = new Map<string, number>();
  const adaptedLabels = new Map<string, string[]>();
  for (const msg of await readStream(jsm, ADAPTED_STREAM)) {
    const { batchId } = decodeLabelledBatch(msg.data);
    adaptedCount.set(batchId, (adaptedCount.get(batchId) ?? 0) + 1);
    adaptedLabels.set(batchId, labelHex(msg.data));
  }
  const byMessageId = new Map(published.map((p) => [p.messageId, p] as const));
  const dead = new Map<string, DeadBatch>();
  for (const msg of await readStream(jsm, DEAD_STREAM)) {
    const messageId = messageIdOfSequence.get(Number(msg.header?.get(HEADER_SOURCE_SEQUENCE))) ?? '';
    const batchId = byMessageId.get(messageId)?.batchId ?? `(unknown message ${messageId || msg.seq})`;
    dead.set(batchId, { batchId, kind: msg.header?.get(HEADER_DEAD_KIND) ?? '', reason: msg.header?.get(HEADER_DEAD_REASON) ?? '' });
  }
  const good = published.filter((p) => !p.poison);
  const poison = published.filter((p) => p.poison);
  const duplicated = [...adaptedCount].filter(([, n]) => n > 1).map(([id]) => id);
  const labelMismatches = good
    .filter((p) => adaptedLabels.has(p.batchId) && adaptedLabels.get(p.batchId)!.join() !== p.labels.join())
    .map((p) => p.batchId);
  return {
    published: published.length,
    poison: poison.length,
    adaptedOnce: good.filter((p) => adaptedCount.get(p.batchId) === 1 && !labelMismatches.includes(p.batchId)).length,
    lost: good.filter((p) => !adaptedCount.has(p.batchId) && !dead.has(p.batchId)).map((p) => p.batchId),
    duplicated,
    labelMismatches,
    deadPoison: poison.filter((p) => dead.has(p.batchId) && dead.get(p.batchId)!.reason !== '').map((p) => dead.get(p.batchId)!),
    poisonNotDead: poison.filter((p) => !dead.get(p.batchId)?.reason).map((p) => p.batchId),
    wronglyDead: [...dead.values()].filter((d) => !poison.some((p) => p.batchId === d.batchId)),
    syntheticMessages: synthetic.length,
  };
}
