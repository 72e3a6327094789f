// Original file: ../../proto/sim2real/v1/batch.proto

import type { Sample as _sim2real_v1_Sample, Sample__Output as _sim2real_v1_Sample__Output } from '../../sim2real/v1/Sample.js';

/**
 * Payload of the NATS subjects sim2real.batches.{synthetic,adapted,dead}.<dataset>.
 */
export interface LabelledBatch {
  'batchId'?: (string);
  'dataset'?: (string);
  'samples'?: (_sim2real_v1_Sample)[];
  'attributes'?: ({[key: string]: string});
}

/**
 * Payload of the NATS subjects sim2real.batches.{synthetic,adapted,dead}.<dataset>.
 */
export interface LabelledBatch__Output {
  'batchId': (string);
  'dataset': (string);
  'samples': (_sim2real_v1_Sample__Output)[];
  'attributes': ({[key: string]: string});
}
