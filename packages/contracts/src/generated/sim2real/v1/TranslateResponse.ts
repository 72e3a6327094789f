// Original file: ../../proto/sim2real/v1/translator.proto

import type { TranslatedImage as _sim2real_v1_TranslatedImage, TranslatedImage__Output as _sim2real_v1_TranslatedImage__Output } from '../../sim2real/v1/TranslatedImage.js';

export interface TranslateResponse {
  'requestId'?: (string);
  /**
   * "name@version" of the model that produced the results.
   */
  'modelVersion'?: (string);
  'results'?: (_sim2real_v1_TranslatedImage)[];
}

export interface TranslateResponse__Output {
  'requestId': (string);
  /**
   * "name@version" of the model that produced the results.
   */
  'modelVersion': (string);
  'results': (_sim2real_v1_TranslatedImage__Output)[];
}
