export { createAdapter } from './adapter.js';
export type { Adapter } from './adapter.js';
export { adapterReadiness } from './readiness.js';
export { jsonLineLogger, parseRoute, resolveAdapterConfig } from './config.js';
export type { AdapterConfig, AdapterOptions, Logger, OutputEncodingChoice, Route, StreamOptions } from './config.js';
export {
  AdapterConfigError,
  BadBatchError,
  NatsServerError,
  NatsServerNotFoundError,
  PayloadTooLargeError,
  TranslationRefusedError,
  TranslatorUnavailableError,
} from './errors.js';
export type { DeadLetterKind } from './errors.js';
export type { AdapterStats } from './metrics.js';
export { freePort, locateNatsServer, natsServerVersion, startNatsServer } from './nats-server.js';
export type { NatsServerHandle, NatsServerOptions } from './nats-server.js';
export { DEFAULT_STREAM_LIMITS, provisionConsumer, provisionStreams } from './provision.js';
export type { ConsumerSettings, StreamLimits } from './provision.js';
export { deterministicBatchId, publishBatches, splitToFit } from './publish.js';
export type { PublishBatchesOptions, PublishSummary, PublishedBatch } from './publish.js';
export {
  ADAPTED_STREAM,
  ADAPTED_SUBJECT_PREFIX,
  DEAD_STREAM,
  DEAD_SUBJECT_PREFIX,
  HEADER_DEAD_REASON,
  HEADER_DELIVERIES,
  HEADER_MODEL,
  HEADER_MSG_ID,
  HEADER_SOURCE_SEQUENCE,
  SYNTHETIC_STREAM,
  SYNTHETIC_SUBJECT_PREFIX,
  adaptedSubject,
  consumerName,
  deadSubject,
  syntheticSubject,
} from './subjects.js';
