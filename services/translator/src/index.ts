export { createTranslatorServer } from './server.js';
export type { TranslatorServer, TranslatorServerHooks, TranslatorServerStats } from './server.js';
export { SERVER_ENV, resolveServerConfig, serverOptionsFromEnv } from './config.js';
export type { TranslatorServerConfig, TranslatorServerOptions } from './config.js';
export {
  CapacityError,
  ConfigError,
  InvalidRequestError,
  JobNotFoundError,
  ModelNotFoundError,
  ShuttingDownError,
  TrainingJobError,
  toGrpcStatus,
} from './errors.js';
export type { GrpcStatus } from './errors.js';
export { MicroBatcher } from './batcher.js';
export type { BatchReport, BatcherOptions, BatchResult, RunBatch } from './batcher.js';
export { ModelRegistry, compareVersions, parseModelRef, timestampVersion } from './registry.js';
export type { ModelLease, ModelVersionRef, RegistryOptions } from './registry.js';
export type {
  ImageMessage,
  TrainingEventOut,
  TrainingJobOut,
  TranslateRequestIn,
  TranslateResponseOut,
  TranslatorGrpcClient,
} from './proto.js';
