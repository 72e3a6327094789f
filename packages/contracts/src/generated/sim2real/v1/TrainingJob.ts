// Original file: ../../proto/sim2real/v1/translator.proto

import type { JobState as _sim2real_v1_JobState, JobState__Output as _sim2real_v1_JobState__Output } from '../../sim2real/v1/JobState.js';

export interface TrainingJob {
  'jobId'?: (string);
  'modelName'?: (string);
  'state'?: (_sim2real_v1_JobState);
  /**
   * Position in the queue while QUEUED (0 = next).
   */
  'queuePosition'?: (number);
  /**
   * Set once the job has written a servable version.
   */
  'modelVersion'?: (string);
  'error'?: (string);
  'createdAt'?: (string);
}

export interface TrainingJob__Output {
  'jobId': (string);
  'modelName': (string);
  'state': (_sim2real_v1_JobState__Output);
  /**
   * Position in the queue while QUEUED (0 = next).
   */
  'queuePosition': (number);
  /**
   * Set once the job has written a servable version.
   */
  'modelVersion': (string);
  'error': (string);
  'createdAt': (string);
}
