// Original file: ../../proto/sim2real/v1/translator.proto

import type { JobState as _sim2real_v1_JobState, JobState__Output as _sim2real_v1_JobState__Output } from '../../sim2real/v1/JobState.js';
import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';

export interface TrainingEvent {
  'jobId'?: (string);
  'state'?: (_sim2real_v1_JobState);
  /**
   * "g0", "attention" or "joint".
   */
  'stage'?: (string);
  'step'?: (number);
  'totalSteps'?: (number);
  /**
   * Named losses of the last step (e.g. "d", "adv", "reg", "g").
   */
  'losses'?: ({[key: string]: number | string});
  'lambda'?: (number | string);
  /**
   * PNG grid: input | G0 | attention | output, one row per sample.
   */
  'sampleGrid'?: (_sim2real_v1_Image | null);
  /**
   * "name@version", on the final event of a successful job.
   */
  'modelVersion'?: (string);
  'message'?: (string);
  'time'?: (string);
}

export interface TrainingEvent__Output {
  'jobId': (string);
  'state': (_sim2real_v1_JobState__Output);
  /**
   * "g0", "attention" or "joint".
   */
  'stage': (string);
  'step': (number);
  'totalSteps': (number);
  /**
   * Named losses of the last step (e.g. "d", "adv", "reg", "g").
   */
  'losses': ({[key: string]: number});
  'lambda': (number);
  /**
   * PNG grid: input | G0 | attention | output, one row per sample.
   */
  'sampleGrid': (_sim2real_v1_Image__Output | null);
  /**
   * "name@version", on the final event of a successful job.
   */
  'modelVersion': (string);
  'message': (string);
  'time': (string);
}
