import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  ADAPTED_STREAM,
  ADAPTED_SUBJECT_PREFIX,
  DEAD_STREAM,
  DEAD_SUBJECT_PREFIX,
  SYNTHETIC_STREAM,
  SYNTHETIC_SUBJECT_PREFIX,
  consumerName,
  syntheticSubject,
} from './subjects.js';

/** Limits of the three streams; applied at start-up (created or updated). */
export interface StreamLimits {
  /**
   * De-duplication window of `Nats-Msg-Id`s on every stream. It bounds exactly-once: an adapted batch whose source
   * ack was lost (adapter killed between the two) is not stored twice if it is redelivered within this window,
   * i.e. if some adapter runs again within it. A translator or NATS outage of any length publishes nothing, so it
   * cannot duplicate. @default 600000 (10 min)
   */
  readonly duplicateWindowMs: number;
  /** Age after which synthetic and adapted batches are dropped. @default 604800000 (7 days) */
  readonly maxAgeMs: number;
  /** Age after which dead batches are dropped. @default 2592000000 (30 days) */
  readonly deadMaxAgeMs: number;
  /** Size limit of each stream in bytes (oldest dropped first); -1 = none. @default -1 */
  readonly maxBytes: number;
  /** Stream replicas (1 on a single server). @default 1 */
  readonly replicas: number;
}

/** The stream limits used when none are given. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  duplicateWindowMs: 600_000,
  maxAgeMs: 7 * 24 * 3600_000,
  deadMaxAgeMs: 30 * 24 * 3600_000,
  maxBytes: -1,
  replicas: 1,
};

/**
 * Creates the synthetic, adapted and dead streams (file storage, de-duplication window, limits),
 * or updates them to these limits when they exist (unless `update` is false: publishers create what is
 * missing and leave the adapter's limits alone). Safe to call from every process at start-up.
 */
export async function provisionStreams(
  jsm: JetStreamManager,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  { update = true }: { update?: boolean } = {},
): Promise<void> {
  const base = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(limits.duplicateWindowMs),
    max_bytes: limits.maxBytes,
    num_replicas: limits.replicas,
  };
  await ensureStream(jsm, { ...base, name: SYNTHETIC_STREAM, subjects: [`${SYNTHETIC_SUBJECT_PREFIX}.>`], max_age: nanos(limits.maxAgeMs) }, update);
  await ensureStream(jsm, { ...base, name: ADAPTED_STREAM, subjects: [`${ADAPTED_SUBJECT_PREFIX}.>`], max_age: nanos(limits.maxAgeMs) }, update);
  await ensureStream(jsm, { ...base, name: DEAD_STREAM, subjects: [`${DEAD_SUBJECT_PREFIX}.>`], max_age: nanos(limits.deadMaxAgeMs) }, update);
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, update: boolean): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    if (!update) return;
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addError) {
      // Another process created it between our info and add: fall through to the update.
      if (!(addError instanceof JetStreamApiError)) throw addError;
    }
  }
  const { name, ...changes } = config;
  await jsm.streams.update(name, changes);
}

/** Settings of one dataset's durable pull consumer. */
export interface ConsumerSettings {
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  /** The server stops delivering at this many unacknowledged batches: the backpressure. */
  readonly maxAckPending: number;
}

/**
 * Creates (or updates) the durable pull consumer of one dataset on the synthetic stream, filtered
 * to `sim2real.batches.synthetic.<dataset>` (one filter subject: nats-server 2.9 has no multi-filter consumers).
 * Returns the consumer name.
 */
export async function provisionConsumer(jsm: JetStreamManager, dataset: string, settings: ConsumerSettings): Promise<string> {
  const name = consumerName(dataset);
  const editable = {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
  };
  try {
    await jsm.consumers.info(SYNTHETIC_STREAM, name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    try {
      await jsm.consumers.add(SYNTHETIC_STREAM, {
        ...editable,
        durable_name: name,
        filter_subject: syntheticSubject(dataset),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      return name;
    } catch (addError) {
      if (!(addError instanceof JetStreamApiError)) throw addError;
    }
  }
  await jsm.consumers.update(SYNTHETIC_STREAM, name, editable);
  return name;
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
