// Original file: ../../proto/sim2real/v1/translator.proto

import type { TrainingJob as _sim2real_v1_TrainingJob, TrainingJob__Output as _sim2real_v1_TrainingJob__Output } from '../../sim2real/v1/TrainingJob.js';

export interface StartTrainingResponse {
  /**
   * The job as queued.
   */
  'job'?: (_sim2real_v1_TrainingJob | null);
}

export interface StartTrainingResponse__Output {
  /**
   * The job as queued.
   */
  'job': (_sim2real_v1_TrainingJob__Output | null);
}
