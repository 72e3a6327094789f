import { createHash } from 'node:crypto';

/** Stream of synthetic batches (`sim2real.batches.synthetic.<dataset>`). */
export const SYNTHETIC_STREAM = 'SIM2REAL_SYNTHETIC';
/** Stream of translated batches (`sim2real.batches.adapted.<dataset>`). */
export const ADAPTED_STREAM = 'SIM2REAL_ADAPTED';
/** Stream of batches that could not be adapted (`sim2real.batches.dead.<dataset>`). */
export const DEAD_STREAM = 'SIM2REAL_DEAD';

export const SYNTHETIC_SUBJECT_PREFIX = 'sim2real.batches.synthetic';
export const ADAPTED_SUBJECT_PREFIX = 'sim2real.batches.adapted';
export const DEAD_SUBJECT_PREFIX = 'sim2real.batches.dead';

export const syntheticSubject = (dataset: string): string => `${SYNTHETIC_SUBJECT_PREFIX}.${dataset}`;
export const adaptedSubject = (dataset: string): string => `${ADAPTED_SUBJECT_PREFIX}.${dataset}`;
export const deadSubject = (dataset: string): string => `${DEAD_SUBJECT_PREFIX}.${dataset}`;

/** The dataset token of a batch subject (the part after the prefix). */
export function datasetOfSubject(subject: string): string {
  return subject.split('.').slice(3).join('.');
}

/** Durable consumer name of a dataset route. */
export const consumerName = (dataset: string): string => `sim2real-adapter-${dataset}`;

/** Core NATS subject where the server announces a message that reached MaxDeliver. */
export const maxDeliveriesAdvisory = (stream: string, consumer: string): string =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`;

/** A dataset name usable as one subject token: letters, digits, `_` and `-`. */
export const DATASET_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * The `Nats-Msg-Id` of a batch in the synthetic and adapted streams: dataset and batch id together, so two datasets
 * that reuse a batch id do not de-duplicate each other. Ids that are not plain printable text (or are long) are
 * hashed, as header values are one line.
 */
export function batchMessageId(dataset: string, batchId: string): string {
  if (/^[\x21-\x7e]{1,200}$/.test(batchId)) return `${dataset}:${batchId}`;
  return `${dataset}:sha256-${createHash('sha256').update(batchId).digest('hex')}`;
}

/** Header names. */
export const HEADER_MSG_ID = 'Nats-Msg-Id';
/** On adapted batches: the `name@version` of the model that translated them. */
export const HEADER_MODEL = 'Sim2real-Model';
/** On dead batches: why, in one sentence. */
export const HEADER_DEAD_REASON = 'Sim2real-Dead-Reason';
/** On dead batches: stream sequence and delivery count of the original. */
export const HEADER_SOURCE_SEQUENCE = 'Sim2real-Source-Sequence';
export const HEADER_DELIVERIES = 'Sim2real-Deliveries';
/** On dead batches: the kind of failure (`undecodable`, `invalid`, `dataset`, `refused`, ...), for `--reason` filters. */
export const HEADER_DEAD_KIND = 'Sim2real-Dead-Kind';
/** On dead batches: when the batch was dead-lettered (ISO 8601). */
export const HEADER_DEAD_AT = 'Sim2real-Dead-At';
/** On synthetic batches replayed from the dead stream: the dead stream sequence they came from. */
export const HEADER_REPLAYED_FROM = 'Sim2real-Replayed-From';

/**
 * Training jobs shared by translator replicas. Job records live in a KV bucket (key = job id); the queue is a
 * work-queue stream holding one message per queued job (its id), taken by one replica's pull; each job's events go
 * to `sim2real.training.events.<job>.<kind>` in a limits stream, so any replica can replay and follow them; a
 * cancel request is a core NATS message on `sim2real.training.cancel.<job>` that the replica running the job acts on.
 */
export const TRAINING_JOBS_BUCKET = 'SIM2REAL_TRAINING_JOBS';
export const TRAINING_QUEUE_STREAM = 'SIM2REAL_TRAINING_QUEUE';
export const TRAINING_QUEUE_SUBJECT = 'sim2real.training.queue';
/** Durable pull consumer of the training queue, shared by every replica (each message goes to one of them). */
export const TRAINING_CONSUMER = 'sim2real-translator-training';
export const TRAINING_EVENTS_STREAM = 'SIM2REAL_TRAINING_EVENTS';
export const TRAINING_EVENTS_SUBJECT_PREFIX = 'sim2real.training.events';
export const TRAINING_CANCEL_SUBJECT_PREFIX = 'sim2real.training.cancel';

/** Subject of one job's events of one kind (`step`, `other`, or a sample slot `sample.<n>`); `>` for all of them. */
export const trainingEventSubject = (jobId: string, kind: string): string => `${TRAINING_EVENTS_SUBJECT_PREFIX}.${jobId}.${kind}`;
export const trainingCancelSubject = (jobId: string): string => `${TRAINING_CANCEL_SUBJECT_PREFIX}.${jobId}`;
