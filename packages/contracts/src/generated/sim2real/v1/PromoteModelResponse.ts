// Original file: ../../proto/sim2real/v1/translator.proto

import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from '../../sim2real/v1/ModelInfo.js';

export interface PromoteModelResponse {
  /**
   * The model with all its versions, after the change.
   */
  'model'?: (_sim2real_v1_ModelInfo | null);
}

export interface PromoteModelResponse__Output {
  /**
   * The model with all its versions, after the change.
   */
  'model': (_sim2real_v1_ModelInfo__Output | null);
}
