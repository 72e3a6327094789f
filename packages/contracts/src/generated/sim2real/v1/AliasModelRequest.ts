// Original file: ../../proto/sim2real/v1/translator.proto


export interface AliasModelRequest {
  'name'?: (string);
  /**
   * Letters, digits, ".", "_", "-"; not "latest" nor a version of the model.
   */
  'alias'?: (string);
  /**
   * The version the alias names; empty removes the alias.
   */
  'version'?: (string);
}

export interface AliasModelRequest__Output {
  'name': (string);
  /**
   * Letters, digits, ".", "_", "-"; not "latest" nor a version of the model.
   */
  'alias': (string);
  /**
   * The version the alias names; empty removes the alias.
   */
  'version': (string);
}
