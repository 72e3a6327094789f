// Original file: ../../proto/sim2real/v1/translator.proto

import type { TranslatedImage as _sim2real_v1_TranslatedImage, TranslatedImage__Output as _sim2real_v1_TranslatedImage__Output } from '../../sim2real/v1/TranslatedImage.js';
import type { RequestError as _sim2real_v1_RequestError, RequestError__Output as _sim2real_v1_RequestError__Output } from '../../sim2real/v1/RequestError.js';

export interface TranslateResponse {
  'requestId'?: (string);
  /**
   * "name@version" of the model that produced the results.
   */
  'modelVersion'?: (string);
  'results'?: (_sim2real_v1_TranslatedImage)[];
  /**
   * Set when this request failed while the stream goes on for the others (TranslateStream); results is empty then.
   */
  'error'?: (_sim2real_v1_RequestError | null);
}

export interface TranslateResponse__Output {
  'requestId': (string);
  /**
   * "name@version" of the model that produced the results.
   */
  'modelVersion': (string);
  'results': (_sim2real_v1_TranslatedImage__Output)[];
  /**
   * Set when this request failed while the stream goes on for the others (TranslateStream); results is empty then.
   */
  'error': (_sim2real_v1_RequestError__Output | null);
}
