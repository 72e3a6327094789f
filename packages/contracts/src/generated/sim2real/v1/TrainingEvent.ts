// Original file: ../../proto/sim2real/v1/translator.proto

import type { JobState as _sim2real_v1_JobState, JobState__Output as _sim2real_v1_JobState__Output } from '../../sim2real/v1/JobState.js';
import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';
import type { TrainingStage as _sim2real_v1_TrainingStage, TrainingStage__Output as _sim2real_v1_TrainingStage__Output } from '../../sim2real/v1/TrainingStage.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface TrainingEvent {
  'jobId'?: (string);
  'state'?: (_sim2real_v1_JobState);
  'step'?: (number);
  'totalSteps'?: (number);
  /**
   * Named losses of the last step ("g_adv", "g_reg", "g_total", "d").
   */
  'losses'?: ({[key: string]: number | string});
  /**
   * PNG grid: input | G0 | attention | output, one row per sample.
   */
  'sampleGrid'?: (_sim2real_v1_Image | null);
  /**
   * "name@version", on the final event of a successful (or checkpointed, cancelled) job.
   */
  'modelVersion'?: (string);
  /**
   * What happened, one line (empty on plain step events).
   */
  'message'?: (string);
  'trainingStage'?: (_sim2real_v1_TrainingStage);
  /**
   * The adaptive self-regularisation weight λ of the paper (section 2) used by the step.
   */
  'selfRegularizationWeight'?: (number | string);
  'eventTime'?: (_google_protobuf_Timestamp | null);
}

export interface TrainingEvent__Output {
  'jobId': (string);
  'state': (_sim2real_v1_JobState__Output);
  'step': (number);
  'totalSteps': (number);
  /**
   * Named losses of the last step ("g_adv", "g_reg", "g_total", "d").
   */
  'losses': ({[key: string]: number});
  /**
   * PNG grid: input | G0 | attention | output, one row per sample.
   */
  'sampleGrid': (_sim2real_v1_Image__Output | null);
  /**
   * "name@version", on the final event of a successful (or checkpointed, cancelled) job.
   */
  'modelVersion': (string);
  /**
   * What happened, one line (empty on plain step events).
   */
  'message': (string);
  'trainingStage': (_sim2real_v1_TrainingStage__Output);
  /**
   * The adaptive self-regularisation weight λ of the paper (section 2) used by the step.
   */
  'selfRegularizationWeight': (number);
  'eventTime': (_google_protobuf_Timestamp__Output | null);
}
