// Original file: ../../proto/sim2real/v1/batch.proto

import type { FloatVector as _sim2real_v1_FloatVector, FloatVector__Output as _sim2real_v1_FloatVector__Output } from '../../sim2real/v1/FloatVector.js';
import type { Long } from '@grpc/proto-loader';

export interface Label {
  /**
   * e.g. 3DMM shape coefficients.
   */
  'vector'?: (_sim2real_v1_FloatVector | null);
  'classIndex'?: (number | string | Long);
  'opaque'?: (Buffer | Uint8Array | string);
  'kind'?: "vector"|"classIndex"|"opaque";
}

export interface Label__Output {
  /**
   * e.g. 3DMM shape coefficients.
   */
  'vector'?: (_sim2real_v1_FloatVector__Output | null);
  'classIndex'?: (string);
  'opaque'?: (Buffer);
  'kind'?: "vector"|"classIndex"|"opaque";
}
