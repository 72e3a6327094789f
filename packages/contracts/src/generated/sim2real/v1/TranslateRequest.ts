// Original file: ../../proto/sim2real/v1/translator.proto

import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';
import type { Encoding as _sim2real_v1_Encoding, Encoding__Output as _sim2real_v1_Encoding__Output } from '../../sim2real/v1/Encoding.js';

export interface TranslateRequest {
  'requestId'?: (string);
  /**
   * "name", "name@version", "name@latest"; empty = the server's default model.
   */
  'model'?: (string);
  'images'?: (_sim2real_v1_Image)[];
  'includeAttention'?: (boolean);
  'includeInitial'?: (boolean);
  /**
   * ENCODING_UNSPECIFIED = PNG.
   */
  'outputEncoding'?: (_sim2real_v1_Encoding);
}

export interface TranslateRequest__Output {
  'requestId': (string);
  /**
   * "name", "name@version", "name@latest"; empty = the server's default model.
   */
  'model': (string);
  'images': (_sim2real_v1_Image__Output)[];
  'includeAttention': (boolean);
  'includeInitial': (boolean);
  /**
   * ENCODING_UNSPECIFIED = PNG.
   */
  'outputEncoding': (_sim2real_v1_Encoding__Output);
}
