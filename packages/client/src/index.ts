export { TRANSLATOR_ACCESS_SETTINGS, readTranslatorAccess, translatorAccessFromEnv } from './access.js';
export type { TranslatorAccessFiles, TranslatorAccessSetting } from './access.js';
export { createTranslatorClient } from './client.js';
export type { CallOptions, TranslatorClient, TranslatorGrpcClient } from './client.js';
export type { TranslateStreamCall } from './translate-stream.js';
export { resolveClientConfig } from './config.js';
export type { RetryOptions, TlsOptions, TranslatorClientConfig, TranslatorClientOptions } from './config.js';
export { ClientConfigError, TranslatorCallError } from './errors.js';
export { makeCa, makeLeaf } from './pki.js';
export type { CertFiles } from './pki.js';
export type {
  FieldViolation,
  ListModelsResponse__Output as ListModelsResponse,
  ModelInfo__Output as ModelInfo,
  ModelVersion__Output as ModelVersion,
  ResourceInfo,
  StartTrainingRequest,
  TrainingEvent__Output as TrainingEvent,
  TrainingJob__Output as TrainingJob,
  TranslateRequest,
  TranslateResponse__Output as TranslateResponse,
} from '@sim2real/contracts';
