// Original file: ../../proto/sim2real/v1/translator.proto


export interface WatchTrainingRequest {
  'jobId'?: (string);
}

export interface WatchTrainingRequest__Output {
  'jobId': (string);
}
