// Original file: ../../proto/sim2real/v1/translator.proto


export interface ModelVersion {
  'version'?: (string);
  'createdAt'?: (string);
  /**
   * The resolved translation config, JSON.
   */
  'configJson'?: (string);
  /**
   * Training metrics (final losses, lambda, steps, wall time), JSON.
   */
  'metricsJson'?: (string);
  'imageSize'?: (number);
  'attention'?: (boolean);
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
}

export interface ModelVersion__Output {
  'version': (string);
  'createdAt': (string);
  /**
   * The resolved translation config, JSON.
   */
  'configJson': (string);
  /**
   * Training metrics (final losses, lambda, steps, wall time), JSON.
   */
  'metricsJson': (string);
  'imageSize': (number);
  'attention': (boolean);
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
}
