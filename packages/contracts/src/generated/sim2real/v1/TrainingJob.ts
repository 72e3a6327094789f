// Original file: ../../proto/sim2real/v1/translator.proto

import type { JobState as _sim2real_v1_JobState, JobState__Output as _sim2real_v1_JobState__Output } from '../../sim2real/v1/JobState.js';
import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from '../../google/rpc/Status.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface TrainingJob {
  'jobId'?: (string);
  'modelName'?: (string);
  'state'?: (_sim2real_v1_JobState);
  /**
   * Position in the queue while QUEUED (0 = next).
   */
  'queuePosition'?: (number);
  /**
   * "name@version", set once the job has written a servable version.
   */
  'modelVersion'?: (string);
  /**
   * Why the job failed (code and one sentence), when FAILED.
   */
  'error'?: (_google_rpc_Status | null);
  'createTime'?: (_google_protobuf_Timestamp | null);
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
   * "name@version", set once the job has written a servable version.
   */
  'modelVersion': (string);
  /**
   * Why the job failed (code and one sentence), when FAILED.
   */
  'error': (_google_rpc_Status__Output | null);
  'createTime': (_google_protobuf_Timestamp__Output | null);
}
