import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { decodeLabelledBatch } from '@sim2real/contracts';
import {
  DEAD_STREAM,
  HEADER_DEAD_AT,
  HEADER_DEAD_KIND,
  HEADER_DEAD_REASON,
  HEADER_DELIVERIES,
  HEADER_MSG_ID,
  HEADER_REPLAYED_FROM,
  HEADER_SOURCE_SEQUENCE,
  SYNTHETIC_STREAM,
  batchMessageId,
  deadSubject,
  syntheticSubject,
} from './subjects.js';

/** A batch on its way to the dead subject. */
export interface DeadLetter {
  readonly dataset: string;
  /** The original payload, unchanged. */
  readonly data: Uint8Array;
  /** The original headers (trace context kept; its message id is replaced). */
  readonly headers: MsgHdrs | undefined;
  /** Short machine-readable kind (`undecodable`, `invalid`, `refused`, ...), for filters and metrics. */
  readonly kind: string;
  readonly reason: string;
  readonly sourceSequence: number;
  readonly deliveries: number;
}

/** The dead copy's message id: one per source message, so the in-process path and the advisory path de-duplicate. */
export const deadMessageId = (sourceSequence: number): string => `dead-${SYNTHETIC_STREAM}-${sourceSequence}`;

/** Header values are one line. */
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

/**
 * Publishes the original batch to `sim2real.batches.dead.<dataset>` with reason, kind, time, source sequence and
 * delivery count headers, and waits for the stream to store it. Resolves to false when the dead stream already had it.
 */
export async function publishDeadLetter(js: JetStreamClient, letter: DeadLetter, now: Date = new Date()): Promise<boolean> {
  const hdrs = natsHeaders();
  for (const key of letter.headers?.keys() ?? []) {
    if (key.toLowerCase() === HEADER_MSG_ID.toLowerCase()) continue;
    for (const value of letter.headers!.values(key)) hdrs.append(key, value);
  }
  hdrs.set(HEADER_DEAD_REASON, oneLine(letter.reason));
  hdrs.set(HEADER_DEAD_KIND, oneLine(letter.kind));
  hdrs.set(HEADER_DEAD_AT, now.toISOString());
  hdrs.set(HEADER_SOURCE_SEQUENCE, String(letter.sourceSequence));
  hdrs.set(HEADER_DELIVERIES, String(letter.deliveries));
  const ack = await js.publish(deadSubject(letter.dataset), letter.data, { msgID: deadMessageId(letter.sourceSequence), headers: hdrs });
  return !ack.duplicate;
}

/** The fields of a MAX_DELIVERIES advisory that the adapter uses. */
export interface MaxDeliveriesAdvisory {
  readonly stream: string;
  readonly consumer: string;
  readonly stream_seq: number;
  readonly deliveries: number;
}

/** Parses a `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES` payload; undefined when it is not one. */
export function parseMaxDeliveriesAdvisory(data: Uint8Array): MaxDeliveriesAdvisory | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(data)) as Partial<MaxDeliveriesAdvisory>;
    return typeof value.stream_seq === 'number' && typeof value.stream === 'string'
      ? { stream: value.stream, consumer: String(value.consumer), stream_seq: value.stream_seq, deliveries: Number(value.deliveries ?? 0) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** One batch in the dead stream, as `dead-letters list` shows it. */
export interface DeadLetterRecord {
  /** Sequence in the dead stream. */
  readonly sequence: number;
  readonly dataset: string;
  /** The batch id, or '' when the payload does not decode. */
  readonly batchId: string;
  readonly samples: number;
  readonly kind: string;
  readonly reason: string;
  /** When it was dead-lettered (the header, else the stream's timestamp). */
  readonly deadAt: Date;
  readonly deliveries: number;
  readonly sourceSequence: number;
  readonly bytes: number;
}

/** Which dead batches to list or replay. */
export interface DeadLetterFilter {
  readonly dataset: string;
  /** Only those whose kind equals it or whose reason contains it (case-insensitive). */
  readonly reason?: string;
  /** Only those dead-lettered at or after this time. */
  readonly since?: Date;
  readonly signal?: AbortSignal;
}

interface DeadEntry {
  readonly record: DeadLetterRecord;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
}

/** Reads the dead stream's messages of one dataset (an ordered consumer, nothing acknowledged, nothing removed). */
async function* readDead(js: JetStreamClient, jsm: JetStreamManager, filter: DeadLetterFilter): AsyncGenerator<DeadEntry> {
  const subject = deadSubject(filter.dataset);
  const info = await jsm.streams.info(DEAD_STREAM, { subjects_filter: subject });
  const pending = info.state.subjects?.[subject] ?? 0;
  if (pending === 0) return;
  const consumer = await js.consumers.get(DEAD_STREAM, {
    filter_subjects: subject,
    ...(filter.since ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: filter.since.toISOString() } : {}),
  });
  const needle = filter.reason?.toLowerCase();
  const lastSeq = info.state.last_seq;
  for (;;) {
    filter.signal?.throwIfAborted();
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) return;
    const headers = msg.headers;
    const reason = headers?.get(HEADER_DEAD_REASON) ?? '';
    const kind = headers?.get(HEADER_DEAD_KIND) ?? '';
    const deadAtHeader = headers?.get(HEADER_DEAD_AT);
    const deadAt = deadAtHeader ? new Date(deadAtHeader) : new Date(Math.floor(msg.info.timestampNanos / 1e6));
    let batchId = '';
    let samples = 0;
    try {
      const batch = decodeLabelledBatch(msg.data);
      batchId = batch.batchId;
      samples = batch.samples.length;
    } catch {
      // an undecodable batch is listed with an empty id
    }
    const record: DeadLetterRecord = {
      sequence: msg.seq,
      dataset: filter.dataset,
      batchId,
      samples,
      kind,
      reason,
      deadAt,
      deliveries: Number(headers?.get(HEADER_DELIVERIES) || 0),
      sourceSequence: Number(headers?.get(HEADER_SOURCE_SEQUENCE) || 0),
      bytes: msg.data.length,
    };
    const matches = (needle === undefined || kind.toLowerCase() === needle || reason.toLowerCase().includes(needle)) && (!filter.since || deadAt >= filter.since);
    if (matches) yield { record, data: msg.data, headers };
    if (msg.seq >= lastSeq || msg.info.pending === 0) return;
  }
}

/** The dead batches of a dataset matching the filter, oldest first. */
export async function listDeadLetters(js: JetStreamClient, jsm: JetStreamManager, filter: DeadLetterFilter): Promise<DeadLetterRecord[]> {
  const records: DeadLetterRecord[] = [];
  for await (const entry of readDead(js, jsm, filter)) records.push(entry.record);
  return records;
}

/** What `replayDeadLetters` did with one dead batch. */
export interface ReplayedBatch {
  readonly record: DeadLetterRecord;
  /** The synthetic stream sequence it was stored at. */
  readonly syntheticSequence: number;
}

/**
 * Publishes the matching dead batches again to `sim2real.batches.synthetic.<dataset>`, unchanged (same payload,
 * same batch id, trace headers kept), then removes each from the dead stream once the synthetic stream has stored
 * it, so a second replay does not send it again. The synthetic message id names the dead sequence, so the replay
 * is not swallowed by the de-duplication of the original publish; the adapted message id stays
 * batchMessageId(dataset, batch id), so a batch is adapted once however often it is replayed.
 */
export async function replayDeadLetters(
  js: JetStreamClient,
  jsm: JetStreamManager,
  filter: DeadLetterFilter,
  onReplayed?: (replayed: ReplayedBatch) => void,
): Promise<ReplayedBatch[]> {
  const replayed: ReplayedBatch[] = [];
  for await (const entry of readDead(js, jsm, filter)) {
    const hdrs = natsHeaders();
    for (const key of entry.headers?.keys() ?? []) {
      if (key.toLowerCase() === HEADER_MSG_ID.toLowerCase() || key.toLowerCase().startsWith('sim2real-')) continue;
      for (const value of entry.headers!.values(key)) hdrs.append(key, value);
    }
    hdrs.set(HEADER_REPLAYED_FROM, String(entry.record.sequence));
    const id = entry.record.batchId === '' ? `dead-${entry.record.sequence}` : entry.record.batchId;
    const ack = await js.publish(syntheticSubject(filter.dataset), entry.data, {
      msgID: `${batchMessageId(filter.dataset, id)}#replay-${entry.record.sequence}`,
      headers: hdrs,
    });
    await jsm.streams.deleteMessage(DEAD_STREAM, entry.record.sequence, false);
    const done = { record: entry.record, syntheticSequence: ack.seq };
    replayed.push(done);
    onReplayed?.(done);
  }
  return replayed;
}
