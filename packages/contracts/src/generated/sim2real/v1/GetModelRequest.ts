// Original file: ../../proto/sim2real/v1/translator.proto


export interface GetModelRequest {
  /**
   * "name" (all versions) or "name@version" / "name@latest" (that version).
   */
  'model'?: (string);
}

export interface GetModelRequest__Output {
  /**
   * "name" (all versions) or "name@version" / "name@latest" (that version).
   */
  'model': (string);
}
