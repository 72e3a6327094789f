// Original file: ../../proto/sim2real/v1/translator.proto

/**
 * The three stages of the paper's training schedule (section 3).
 */
export const TrainingStage = {
  TRAINING_STAGE_UNSPECIFIED: 'TRAINING_STAGE_UNSPECIFIED',
  /**
   * The vanilla generator G0 alone.
   */
  TRAINING_STAGE_G0: 'TRAINING_STAGE_G0',
  /**
   * The attention branch, G0 frozen.
   */
  TRAINING_STAGE_ATTENTION: 'TRAINING_STAGE_ATTENTION',
  /**
   * Both together.
   */
  TRAINING_STAGE_JOINT: 'TRAINING_STAGE_JOINT',
} as const;

/**
 * The three stages of the paper's training schedule (section 3).
 */
export type TrainingStage =
  | 'TRAINING_STAGE_UNSPECIFIED'
  | 0
  /**
   * The vanilla generator G0 alone.
   */
  | 'TRAINING_STAGE_G0'
  | 1
  /**
   * The attention branch, G0 frozen.
   */
  | 'TRAINING_STAGE_ATTENTION'
  | 2
  /**
   * Both together.
   */
  | 'TRAINING_STAGE_JOINT'
  | 3

/**
 * The three stages of the paper's training schedule (section 3).
 */
export type TrainingStage__Output = typeof TrainingStage[keyof typeof TrainingStage]
