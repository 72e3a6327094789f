// Original file: ../../proto/sim2real/v1/translator.proto


export interface CancelTrainingRequest {
  'jobId'?: (string);
}

export interface CancelTrainingRequest__Output {
  'jobId': (string);
}
