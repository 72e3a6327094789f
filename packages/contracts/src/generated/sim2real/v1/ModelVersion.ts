// Original file: ../../proto/sim2real/v1/translator.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../google/protobuf/Struct.js';
import type { ModelMetrics as _sim2real_v1_ModelMetrics, ModelMetrics__Output as _sim2real_v1_ModelMetrics__Output } from '../../sim2real/v1/ModelMetrics.js';
import type { LabelSet as _sim2real_v1_LabelSet, LabelSet__Output as _sim2real_v1_LabelSet__Output } from '../../sim2real/v1/LabelSet.js';

export interface ModelVersion {
  'version'?: (string);
  'imageSize'?: (number);
  'attention'?: (boolean);
  'createTime'?: (_google_protobuf_Timestamp | null);
  /**
   * The resolved translation config, as @sim2real/translation names its options (a Struct: its shape is the
   * translation package's and grows with it).
   */
  'config'?: (_google_protobuf_Struct | null);
  'metrics'?: (_sim2real_v1_ModelMetrics | null);
  /**
   * Inference engine that serves this version: "onnx" (onnxruntime-node, from the version's model.onnx) or
   * "tfjs" (TensorFlow.js); the one in use when the version is loaded, else the one it would load with.
   */
  'engine'?: (string);
  /**
   * All training steps were done (a cancelled or stopped job's version is partial).
   */
  'complete'?: (boolean);
  /**
   * Promoted by an admin: served as "name" / "name@latest" like a complete version.
   */
  'promoted'?: (boolean);
  /**
   * Aliases naming this version ("name@<alias>").
   */
  'aliases'?: (string)[];
  /**
   * The label set a label-consistent version was trained to keep readable (StartTraining's source_labels,
   * `sim2real train --source-labels`); absent for a version trained without labels. Serving needs no labels.
   */
  'labelSet'?: (_sim2real_v1_LabelSet | null);
}

export interface ModelVersion__Output {
  'version': (string);
  'imageSize': (number);
  'attention': (boolean);
  'createTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * The resolved translation config, as @sim2real/translation names its options (a Struct: its shape is the
   * translation package's and grows with it).
   */
  'config': (_google_protobuf_Struct__Output | null);
  'metrics': (_sim2real_v1_ModelMetrics__Output | null);
  /**
   * Inference engine that serves this version: "onnx" (onnxruntime-node, from the version's model.onnx) or
   * "tfjs" (TensorFlow.js); the one in use when the version is loaded, else the one it would load with.
   */
  'engine': (string);
  /**
   * All training steps were done (a cancelled or stopped job's version is partial).
   */
  'complete': (boolean);
  /**
   * Promoted by an admin: served as "name" / "name@latest" like a complete version.
   */
  'promoted': (boolean);
  /**
   * Aliases naming this version ("name@<alias>").
   */
  'aliases': (string)[];
  /**
   * The label set a label-consistent version was trained to keep readable (StartTraining's source_labels,
   * `sim2real train --source-labels`); absent for a version trained without labels. Serving needs no labels.
   */
  'labelSet': (_sim2real_v1_LabelSet__Output | null);
}
