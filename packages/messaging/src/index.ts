export { NATS_AUTH_SETTINGS, connectNats, natsAuthFromEnv, natsConnectionOptions, permissionError } from './connect.js';
export type { ConnectNatsOptions, NatsAuthOptions, NatsAuthSetting } from './connect.js';
export {
  deadMessageId,
  listDeadLetters,
  parseMaxDeliveriesAdvisory,
  publishDeadLetter,
  replayDeadLetters,
} from './dead-letter.js';
export type { DeadLetter, DeadLetterFilter, DeadLetterRecord, MaxDeliveriesAdvisory, ReplayedBatch } from './dead-letter.js';
export { NatsConnectError, NatsOptionsError, NatsPermissionError, NatsServerError, NatsServerNotFoundError, PayloadTooLargeError } from './errors.js';
export { DEFAULT_STREAM_LIMITS, DEFAULT_TRAINING_QUEUE, provisionConsumer, provisionStreams, provisionTraining } from './provision.js';
export type { ConsumerSettings, StreamLimits, TrainingQueueSettings } from './provision.js';
export { deterministicBatchId, publishBatches, splitToFit } from './publish.js';
export type { PublishBatchesOptions, PublishSummary, PublishedBatch } from './publish.js';
export {
  ADAPTED_STREAM,
  ADAPTED_SUBJECT_PREFIX,
  DATASET_PATTERN,
  DEAD_STREAM,
  DEAD_SUBJECT_PREFIX,
  HEADER_DEAD_AT,
  HEADER_DEAD_KIND,
  HEADER_DEAD_REASON,
  HEADER_DELIVERIES,
  HEADER_MODEL,
  HEADER_MSG_ID,
  HEADER_REPLAYED_FROM,
  HEADER_SOURCE_SEQUENCE,
  SYNTHETIC_STREAM,
  SYNTHETIC_SUBJECT_PREFIX,
  TRAINING_CANCEL_SUBJECT_PREFIX,
  TRAINING_CONSUMER,
  TRAINING_EVENTS_STREAM,
  TRAINING_EVENTS_SUBJECT_PREFIX,
  TRAINING_JOBS_BUCKET,
  TRAINING_QUEUE_STREAM,
  TRAINING_QUEUE_SUBJECT,
  adaptedSubject,
  batchMessageId,
  consumerName,
  datasetOfSubject,
  deadSubject,
  maxDeliveriesAdvisory,
  syntheticSubject,
  trainingCancelSubject,
  trainingEventSubject,
} from './subjects.js';
export { parseServerVersion, serverFeatures, terminate, versionAtLeast } from './version.js';
export type { ServerFeatures, ServerVersion } from './version.js';
// A nats-server of this machine as a child process on a free port: the demo's (and, through ./testing, the tests').
export { freePort, locateNatsServer, natsServerVersion, startNatsServer } from './nats-server.js';
export type { NatsServerHandle, NatsServerOptions } from './nats-server.js';
