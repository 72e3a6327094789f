import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  HEADER_DEAD_REASON,
  HEADER_DELIVERIES,
  HEADER_MSG_ID,
  HEADER_SOURCE_SEQUENCE,
  SYNTHETIC_STREAM,
  deadSubject,
} from './subjects.js';

/** A batch on its way to the dead subject. */
export interface DeadLetter {
  readonly dataset: string;
  /** The original payload, unchanged. */
  readonly data: Uint8Array;
  /** The original headers (trace context kept; its message id is replaced). */
  readonly headers: MsgHdrs | undefined;
  readonly reason: string;
  readonly sourceSequence: number;
  readonly deliveries: number;
}

/** The dead copy's message id: one per source message, so the in-process path and the advisory path de-duplicate. */
export const deadMessageId = (sourceSequence: number): string => `dead-${SYNTHETIC_STREAM}-${sourceSequence}`;

/**
 * Publishes the original batch to `sim2real.batches.dead.<dataset>` with a reason header and waits for the
 * stream to store it. Resolves to false when the dead stream already had it.
 */
export async function publishDeadLetter(js: JetStreamClient, letter: DeadLetter): Promise<boolean> {
  const hdrs = natsHeaders();
  for (const key of letter.headers?.keys() ?? []) {
    if (key.toLowerCase() === HEADER_MSG_ID.toLowerCase()) continue;
    for (const value of letter.headers!.values(key)) hdrs.append(key, value);
  }
  // Header values are one line.
  hdrs.set(HEADER_DEAD_REASON, letter.reason.replace(/[\r\n]+/g, ' '));
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
