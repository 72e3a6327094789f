// Original file: ../../proto/sim2real/v1/translator.proto


export interface DeleteModelRequest {
  /**
   * "name@version"
   */
  'model'?: (string);
}

export interface DeleteModelRequest__Output {
  /**
   * "name@version"
   */
  'model': (string);
}
