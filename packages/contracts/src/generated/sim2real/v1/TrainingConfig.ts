// Original file: ../../proto/sim2real/v1/translator.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Every field is optional: zero means "the default".
 */
export interface TrainingConfig {
  'imageSize'?: (number);
  'steps'?: (number);
  'batchSize'?: (number);
  'noAttention'?: (boolean);
  'seed'?: (number | string | Long);
  /**
   * Base width of G0 (ngf) and number of residual blocks.
   */
  'generatorWidth'?: (number);
  'residualBlocks'?: (number);
  'learningRate'?: (number | string);
  /**
   * Extra knobs by name, as the translation config names them (JSON values).
   */
  'overrides'?: ({[key: string]: string});
  /**
   * Named bundle of options under the fields above and the overrides ('default', 'paper'; empty = 'default'),
   * as `sim2real train --preset`.
   */
  'preset'?: (string);
}

/**
 * Every field is optional: zero means "the default".
 */
export interface TrainingConfig__Output {
  'imageSize': (number);
  'steps': (number);
  'batchSize': (number);
  'noAttention': (boolean);
  'seed': (string);
  /**
   * Base width of G0 (ngf) and number of residual blocks.
   */
  'generatorWidth': (number);
  'residualBlocks': (number);
  'learningRate': (number);
  /**
   * Extra knobs by name, as the translation config names them (JSON values).
   */
  'overrides': ({[key: string]: string});
  /**
   * Named bundle of options under the fields above and the overrides ('default', 'paper'; empty = 'default'),
   * as `sim2real train --preset`.
   */
  'preset': (string);
}
