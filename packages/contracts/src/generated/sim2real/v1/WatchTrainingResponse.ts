// Original file: ../../proto/sim2real/v1/translator.proto

import type { TrainingEvent as _sim2real_v1_TrainingEvent, TrainingEvent__Output as _sim2real_v1_TrainingEvent__Output } from '../../sim2real/v1/TrainingEvent.js';

export interface WatchTrainingResponse {
  'event'?: (_sim2real_v1_TrainingEvent | null);
}

export interface WatchTrainingResponse__Output {
  'event': (_sim2real_v1_TrainingEvent__Output | null);
}
