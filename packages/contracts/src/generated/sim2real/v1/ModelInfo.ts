// Original file: ../../proto/sim2real/v1/translator.proto

import type { ModelVersion as _sim2real_v1_ModelVersion, ModelVersion__Output as _sim2real_v1_ModelVersion__Output } from '../../sim2real/v1/ModelVersion.js';

export interface ModelInfo {
  'name'?: (string);
  /**
   * Oldest first.
   */
  'versions'?: (_sim2real_v1_ModelVersion)[];
}

export interface ModelInfo__Output {
  'name': (string);
  /**
   * Oldest first.
   */
  'versions': (_sim2real_v1_ModelVersion__Output)[];
}
