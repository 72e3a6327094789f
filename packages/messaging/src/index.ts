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
export { DEFAULT_STREAM_LIMITS, provisionConsumer, provisionStreams } from './provision.js';
export type { ConsumerSettings, StreamLimits } from './provision.js';
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
  adaptedSubject,
  batchMessageId,
  consumerName,
  datasetOfSubject,
  deadSubject,
  maxDeliveriesAdvisory,
  syntheticSubject,
} from './subjects.js';
export { parseServerVersion, serverFeatures, terminate, versionAtLeast } from './version.js';
export type { ServerFeatures, ServerVersion } from './version.js';
