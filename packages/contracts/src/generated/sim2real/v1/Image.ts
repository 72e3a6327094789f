// Original file: ../../proto/sim2real/v1/image.proto

import type { Encoding as _sim2real_v1_Encoding, Encoding__Output as _sim2real_v1_Encoding__Output } from '../../sim2real/v1/Encoding.js';

export interface Image {
  'data'?: (Buffer | Uint8Array | string);
  'encoding'?: (_sim2real_v1_Encoding);
  /**
   * Required for ENCODING_RAW_RGB8; informative otherwise.
   */
  'width'?: (number);
  'height'?: (number);
}

export interface Image__Output {
  'data': (Buffer);
  'encoding': (_sim2real_v1_Encoding__Output);
  /**
   * Required for ENCODING_RAW_RGB8; informative otherwise.
   */
  'width': (number);
  'height': (number);
}
