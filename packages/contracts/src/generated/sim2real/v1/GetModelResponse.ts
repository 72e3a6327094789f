// Original file: ../../proto/sim2real/v1/translator.proto

import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from '../../sim2real/v1/ModelInfo.js';

export interface GetModelResponse {
  'model'?: (_sim2real_v1_ModelInfo | null);
}

export interface GetModelResponse__Output {
  'model': (_sim2real_v1_ModelInfo__Output | null);
}
