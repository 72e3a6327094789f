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
}
