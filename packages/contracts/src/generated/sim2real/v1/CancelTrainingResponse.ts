// Original file: ../../proto/sim2real/v1/translator.proto

import type { TrainingJob as _sim2real_v1_TrainingJob, TrainingJob__Output as _sim2real_v1_TrainingJob__Output } from '../../sim2real/v1/TrainingJob.js';

export interface CancelTrainingResponse {
  /**
   * The job after the cancellation took effect (a running job ends CANCELLED once its checkpoint is written).
   */
  'job'?: (_sim2real_v1_TrainingJob | null);
}

export interface CancelTrainingResponse__Output {
  /**
   * The job after the cancellation took effect (a running job ends CANCELLED once its checkpoint is written).
   */
  'job': (_sim2real_v1_TrainingJob__Output | null);
}
