export { VGG_CONV_LAYERS, resolveTranslationConfig, stagePlan } from './config.js';
export type {
  AdversarialLossKind,
  LambdaConfig,
  LambdaOptions,
  SelfRegularisationPolarity,
  StageName,
  StageSplit,
  TranslationConfig,
  TranslationOptions,
  UpsamplingKind,
  VggConvLayer,
} from './config.js';
export { ConfigError, InputShapeError, ModelLoadError, TrainingCancelledError, VggWeightsError } from './errors.js';
export { LambdaSchedule } from './lambda-schedule.js';
export type { LambdaState } from './lambda-schedule.js';
export { MANIFEST_FILE, hashModelFiles, readModelManifest, sha256File, verifyModelFiles } from './checkpoint.js';
export type { ModelManifest, ModelMetrics } from './checkpoint.js';
export { train } from './trainer.js';
export type { TrainRequest, TrainResult, TrainingEvent } from './trainer.js';
export { loadTranslator } from './translator.js';
export type { TranslationOutput, Translator } from './translator.js';
