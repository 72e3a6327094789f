// Original file: ../../proto/sim2real/v1/translator.proto


/**
 * Why one request on a TranslateStream failed; the stream stays open for the other requests.
 */
export interface RequestError {
  /**
   * The status code a unary Translate would have ended with (google.rpc.Code numbering, e.g. 3 = INVALID_ARGUMENT).
   */
  'code'?: (number);
  /**
   * One sentence saying what was wrong.
   */
  'message'?: (string);
  /**
   * Index of the failing image within the request; -1 when no single image is at fault.
   */
  'imageIndex'?: (number);
}

/**
 * Why one request on a TranslateStream failed; the stream stays open for the other requests.
 */
export interface RequestError__Output {
  /**
   * The status code a unary Translate would have ended with (google.rpc.Code numbering, e.g. 3 = INVALID_ARGUMENT).
   */
  'code': (number);
  /**
   * One sentence saying what was wrong.
   */
  'message': (string);
  /**
   * Index of the failing image within the request; -1 when no single image is at fault.
   */
  'imageIndex': (number);
}
