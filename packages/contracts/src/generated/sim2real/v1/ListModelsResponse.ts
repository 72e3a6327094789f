// Original file: ../../proto/sim2real/v1/translator.proto

import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from '../../sim2real/v1/ModelInfo.js';

export interface ListModelsResponse {
  'models'?: (_sim2real_v1_ModelInfo)[];
  /**
   * Token of the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListModelsResponse__Output {
  'models': (_sim2real_v1_ModelInfo__Output)[];
  /**
   * Token of the next page; empty on the last page.
   */
  'nextPageToken': (string);
}
