// Original file: ../../proto/sim2real/v1/translator.proto

import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';

export interface TranslatedImage {
  /**
   * G(x), same width and height as the input image.
   */
  'image'?: (_sim2real_v1_Image | null);
  /**
   * The attention mask A(x), one grey channel, when asked for.
   */
  'attention'?: (_sim2real_v1_Image | null);
  /**
   * The vanilla generator's output G0(x), when asked for.
   */
  'initial'?: (_sim2real_v1_Image | null);
}

export interface TranslatedImage__Output {
  /**
   * G(x), same width and height as the input image.
   */
  'image': (_sim2real_v1_Image__Output | null);
  /**
   * The attention mask A(x), one grey channel, when asked for.
   */
  'attention': (_sim2real_v1_Image__Output | null);
  /**
   * The vanilla generator's output G0(x), when asked for.
   */
  'initial': (_sim2real_v1_Image__Output | null);
}
