export {
  PRESETS,
  PRESET_NAMES,
  VGG_CONV_LAYERS,
  isPresetName,
  presetValues,
  resolveTranslationConfig,
  unknownTranslationOptions,
  stagePlan,
  translationOptionsJsonSchema,
  translationOptionsSchema,
  withPreset,
} from './config.js';
export type {
  AdversarialLossKind,
  LambdaConfig,
  LambdaOptions,
  Preset,
  PresetName,
  PresetOptions,
  SelfRegularisationPolarity,
  StageName,
  StageSplit,
  TranslationConfig,
  TranslationOptions,
  UpsamplingKind,
  VggConvLayer,
} from './config.js';
export { ADAPTATION_MINIMUMS, adaptationWarnings } from './adaptation.js';
export { ConfigError, InputShapeError, ModelLoadError, TrainingCancelledError, VggWeightsError } from './errors.js';
export { LambdaSchedule } from './lambda-schedule.js';
export type { LambdaState } from './lambda-schedule.js';
export { MANIFEST_FILE, hashModelFiles, readModelManifest, sha256File, updateModelManifest, verifyModelFiles } from './checkpoint.js';
export type { ModelManifest, ModelMetrics, OnnxExportRecord } from './checkpoint.js';
export type { LabelSetRecord } from './label-consistency.js';
export { train } from './trainer.js';
export type { TrainRequest } from './run-setup.js';
export type { TrainResult, TrainingEvent } from './training-progress.js';
export { loadTranslator, loadTranslatorNetworks } from './translator.js';
export type { TranslationOutput, Translator, TranslatorNetworks } from './translator.js';
export { imageNoiseValues } from './noise.js';
export { translateList } from './translate-list.js';
export type { TranslateListOptions } from './translate-list.js';
export { readTranslationOptions } from './options-file.js';
