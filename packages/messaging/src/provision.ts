import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import {
  ADAPTED_STREAM,
  ADAPTED_SUBJECT_PREFIX,
  DEAD_STREAM,
  DEAD_SUBJECT_PREFIX,
  SYNTHETIC_STREAM,
  SYNTHETIC_SUBJECT_PREFIX,
  TRAINING_CONSUMER,
  TRAINING_EVENTS_STREAM,
  TRAINING_EVENTS_SUBJECT_PREFIX,
  TRAINING_JOBS_BUCKET,
  TRAINING_QUEUE_STREAM,
  TRAINING_QUEUE_SUBJECT,
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

/** Settings of the training-job bucket, queue and event stream (translator replicas sharing jobs). */
export interface TrainingQueueSettings {
  /**
   * AckWait of the queue consumer: the replica running a job sends an in-progress ack every third of it; a job
   * whose replica stopped doing so (killed, partitioned) is redelivered to another after it. @default 30000
   */
  readonly ackWaitMs: number;
  /** Events kept per job and kind (`step`, `other`); sample grids go to rolled-up slots, one each. @default 256 */
  readonly eventsPerSubject: number;
  /** Age after which job records and their events are dropped. @default 604800000 (7 days) */
  readonly retentionMs: number;
  /** Replicas of the bucket and streams (1 on a single server). @default 1 */
  readonly replicas: number;
}

export const DEFAULT_TRAINING_QUEUE: TrainingQueueSettings = { ackWaitMs: 30_000, eventsPerSubject: 256, retentionMs: 7 * 24 * 3600_000, replicas: 1 };

/**
 * Creates (or updates) the training queue (work-queue stream and its shared durable pull consumer), the event
 * stream and the job bucket; returns the bucket. Safe to call from every replica at start-up.
 */
export async function provisionTraining(js: JetStreamClient, jsm: JetStreamManager, settings: TrainingQueueSettings = DEFAULT_TRAINING_QUEUE): Promise<KV> {
  const base = { storage: StorageType.File, discard: DiscardPolicy.Old, num_replicas: settings.replicas };
  await ensureStream(jsm, { ...base, name: TRAINING_QUEUE_STREAM, subjects: [TRAINING_QUEUE_SUBJECT], retention: RetentionPolicy.Workqueue }, true);
  await ensureStream(
    jsm,
    {
      ...base,
      name: TRAINING_EVENTS_STREAM,
      subjects: [`${TRAINING_EVENTS_SUBJECT_PREFIX}.>`],
      retention: RetentionPolicy.Limits,
      max_age: nanos(settings.retentionMs),
      max_msgs_per_subject: settings.eventsPerSubject,
      allow_rollup_hdrs: true,
    },
    true,
  );
  const editable = { ack_wait: nanos(settings.ackWaitMs), max_ack_pending: -1 };
  try {
    await jsm.consumers.info(TRAINING_QUEUE_STREAM, TRAINING_CONSUMER);
    await jsm.consumers.update(TRAINING_QUEUE_STREAM, TRAINING_CONSUMER, editable);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers
      .add(TRAINING_QUEUE_STREAM, { ...editable, durable_name: TRAINING_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All })
      .catch((addError: unknown) => {
        // Another replica created it between our info and add.
        if (!(addError instanceof JetStreamApiError)) throw addError;
      });
  }
  const kvm = new Kvm(js);
  const bucket = { history: 1, ttl: settings.retentionMs, replicas: settings.replicas };
  try {
    return await kvm.create(TRAINING_JOBS_BUCKET, bucket);
  } catch (error) {
    // Another replica created the bucket's stream between the library's info and add (nats-server 2.9 then answers
    // "subjects overlap with an existing stream"): it exists now, and a second create opens it.
    if (!(error instanceof JetStreamApiError)) throw error;
    return kvm.create(TRAINING_JOBS_BUCKET, bucket);
  }
}
