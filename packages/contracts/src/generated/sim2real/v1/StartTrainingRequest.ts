// Original file: ../../proto/sim2real/v1/translator.proto

import type { TrainingConfig as _sim2real_v1_TrainingConfig, TrainingConfig__Output as _sim2real_v1_TrainingConfig__Output } from '../../sim2real/v1/TrainingConfig.js';

export interface StartTrainingRequest {
  /**
   * Registry name of the model to produce; the version is assigned by the server.
   */
  'modelName'?: (string);
  /**
   * Server-side folders (or file:// URIs) of source (synthetic) and target (real) images.
   */
  'sourceUri'?: (string);
  'targetUri'?: (string);
  'config'?: (_sim2real_v1_TrainingConfig | null);
  /**
   * Emit a sample grid every N steps (0 = the server's default).
   */
  'sampleEverySteps'?: (number);
}

export interface StartTrainingRequest__Output {
  /**
   * Registry name of the model to produce; the version is assigned by the server.
   */
  'modelName': (string);
  /**
   * Server-side folders (or file:// URIs) of source (synthetic) and target (real) images.
   */
  'sourceUri': (string);
  'targetUri': (string);
  'config': (_sim2real_v1_TrainingConfig__Output | null);
  /**
   * Emit a sample grid every N steps (0 = the server's default).
   */
  'sampleEverySteps': (number);
}
