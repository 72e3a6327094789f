// Original file: ../../proto/sim2real/v1/translator.proto

import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../google/protobuf/Struct.js';
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
   * Any other translation option, by the name @sim2real/translation gives it (nested options as nested
   * objects, e.g. {"lambda": {"step": 1e-5}}); the server refuses unknown names with INVALID_ARGUMENT.
   */
  'overrides'?: (_google_protobuf_Struct | null);
  /**
   * Named bundle of options under the fields above and the overrides ('default', 'paper'; empty = 'default'),
   * as `sim2real train --preset`.
   */
  'preset'?: (string);
  /**
   * Train label-consistent, as `sim2real train --source-labels`: source_uri is a labelled folder (class sub-folders,
   * or labels.jsonl with class indices or vectors), a task network learns its labels and G keeps them readable in
   * G(x). A folder without labels is INVALID_ARGUMENT. The model serves without labels.
   */
  'sourceLabels'?: (boolean);
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
   * Any other translation option, by the name @sim2real/translation gives it (nested options as nested
   * objects, e.g. {"lambda": {"step": 1e-5}}); the server refuses unknown names with INVALID_ARGUMENT.
   */
  'overrides': (_google_protobuf_Struct__Output | null);
  /**
   * Named bundle of options under the fields above and the overrides ('default', 'paper'; empty = 'default'),
   * as `sim2real train --preset`.
   */
  'preset': (string);
  /**
   * Train label-consistent, as `sim2real train --source-labels`: source_uri is a labelled folder (class sub-folders,
   * or labels.jsonl with class indices or vectors), a task network learns its labels and G keeps them readable in
   * G(x). A folder without labels is INVALID_ARGUMENT. The model serves without labels.
   */
  'sourceLabels': (boolean);
}
