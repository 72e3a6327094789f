export { DEFAULT_SHUTDOWN_GRACE_MS, createTranslatorServer, securitySummary } from './server.js';
export type { TranslatorServer, TranslatorServerHooks, TranslatorServerStats } from './server.js';
export { SERVER_ENV, isLoopback, resolveServerConfig, serverOptionsFromEnv } from './config.js';
export { ROLES, readAuthTokens, tokenSha256 } from './auth.js';
export type { AuthTokenEntry, Role } from './auth.js';
export type { TranslatorServerConfig, TranslatorServerOptions } from './config.js';
export {
  CapacityError,
  ConfigError,
  InvalidRequestError,
  JobNotFoundError,
  ModelIntegrityError,
  ModelNotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  ShuttingDownError,
  TrainingJobError,
  toGrpcStatus,
} from './errors.js';
export type { GrpcStatus } from './errors.js';
export { MicroBatcher } from './batcher.js';
export type { BatchReport, BatcherOptions, BatchResult, RunBatch } from './batcher.js';
export { ModelRegistry, compareVersions, parseModelRef, timestampVersion } from './registry.js';
export type { DescribedVersion, ModelLease, ModelVersionRef, RegistryOptions } from './registry.js';
export { versionMessage } from './model-handlers.js';
export type {
  ImageMessage,
  ModelChangeResponseOut,
  ModelInfoOut,
  TrainingEventOut,
  TrainingJobOut,
  TranslateRequestIn,
  TranslateResponseOut,
  TranslatorGrpcClient,
} from './proto.js';
