// Original file: ../../proto/google/rpc/error_details.proto


/**
 * One bad field.
 */
export interface _google_rpc_BadRequest_FieldViolation {
  /**
   * Path of the field in the request, e.g. "images[3]" or "config.overrides.wings".
   */
  'field'?: (string);
  /**
   * Why it is bad, one sentence.
   */
  'description'?: (string);
}

/**
 * One bad field.
 */
export interface _google_rpc_BadRequest_FieldViolation__Output {
  /**
   * Path of the field in the request, e.g. "images[3]" or "config.overrides.wings".
   */
  'field': (string);
  /**
   * Why it is bad, one sentence.
   */
  'description': (string);
}

/**
 * What is wrong with the fields of a request (with INVALID_ARGUMENT).
 */
export interface BadRequest {
  'fieldViolations'?: (_google_rpc_BadRequest_FieldViolation)[];
}

/**
 * What is wrong with the fields of a request (with INVALID_ARGUMENT).
 */
export interface BadRequest__Output {
  'fieldViolations': (_google_rpc_BadRequest_FieldViolation__Output)[];
}
