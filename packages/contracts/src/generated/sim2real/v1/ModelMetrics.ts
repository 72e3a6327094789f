// Original file: ../../proto/sim2real/v1/translator.proto

import type { TrainingStage as _sim2real_v1_TrainingStage, TrainingStage__Output as _sim2real_v1_TrainingStage__Output } from '../../sim2real/v1/TrainingStage.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

/**
 * How a version was trained.
 */
export interface ModelMetrics {
  /**
   * Losses of the last step ("g_adv", "g_reg", "g_total", "d").
   */
  'finalLosses'?: ({[key: string]: number | string});
  /**
   * λ in force at the last step.
   */
  'selfRegularizationWeight'?: (number | string);
  /**
   * Stage of the last step.
   */
  'trainingStage'?: (_sim2real_v1_TrainingStage);
  /**
   * Steps done, and planned.
   */
  'step'?: (number);
  'totalSteps'?: (number);
  /**
   * All planned steps done (false for a cancelled job's checkpoint).
   */
  'complete'?: (boolean);
  /**
   * Trained without VGG-19 weights (pixel self-regularisation, random attention encoder); why.
   */
  'degraded'?: (boolean);
  'degradedReasons'?: (string)[];
  /**
   * The tfjs backend that trained it.
   */
  'backend'?: (string);
  /**
   * Training wall time, summed over resumed runs.
   */
  'wallTime'?: (_google_protobuf_Duration | null);
}

/**
 * How a version was trained.
 */
export interface ModelMetrics__Output {
  /**
   * Losses of the last step ("g_adv", "g_reg", "g_total", "d").
   */
  'finalLosses': ({[key: string]: number});
  /**
   * λ in force at the last step.
   */
  'selfRegularizationWeight': (number);
  /**
   * Stage of the last step.
   */
  'trainingStage': (_sim2real_v1_TrainingStage__Output);
  /**
   * Steps done, and planned.
   */
  'step': (number);
  'totalSteps': (number);
  /**
   * All planned steps done (false for a cancelled job's checkpoint).
   */
  'complete': (boolean);
  /**
   * Trained without VGG-19 weights (pixel self-regularisation, random attention encoder); why.
   */
  'degraded': (boolean);
  'degradedReasons': (string)[];
  /**
   * The tfjs backend that trained it.
   */
  'backend': (string);
  /**
   * Training wall time, summed over resumed runs.
   */
  'wallTime': (_google_protobuf_Duration__Output | null);
}
