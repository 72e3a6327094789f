// Original file: ../../proto/sim2real/v1/translator.proto

import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from '../../sim2real/v1/ModelInfo.js';

export interface DeleteModelResponse {
  /**
   * What is left of the model (no versions when the last one was deleted).
   */
  'model'?: (_sim2real_v1_ModelInfo | null);
}

export interface DeleteModelResponse__Output {
  /**
   * What is left of the model (no versions when the last one was deleted).
   */
  'model': (_sim2real_v1_ModelInfo__Output | null);
}
