// Original file: ../../proto/sim2real/v1/translator.proto


export interface PromoteModelRequest {
  /**
   * "name@version"
   */
  'model'?: (string);
}

export interface PromoteModelRequest__Output {
  /**
   * "name@version"
   */
  'model': (string);
}
