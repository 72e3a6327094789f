// Original file: ../../proto/sim2real/v1/batch.proto

import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';
import type { Label as _sim2real_v1_Label, Label__Output as _sim2real_v1_Label__Output } from '../../sim2real/v1/Label.js';

export interface Sample {
  'id'?: (string);
  'image'?: (_sim2real_v1_Image | null);
  'label'?: (_sim2real_v1_Label | null);
}

export interface Sample__Output {
  'id': (string);
  'image': (_sim2real_v1_Image__Output | null);
  'label': (_sim2real_v1_Label__Output | null);
}
