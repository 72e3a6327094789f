// Original file: ../../proto/google/rpc/status.proto

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';

/**
 * An error: a gRPC status code, a developer-facing message and typed details.
 */
export interface Status {
  /**
   * The gRPC status code (google.rpc.Code).
   */
  'code'?: (number);
  /**
   * One English sentence saying what went wrong.
   */
  'message'?: (string);
  /**
   * Typed details, e.g. google.rpc.BadRequest.
   */
  'details'?: (_google_protobuf_Any)[];
}

/**
 * An error: a gRPC status code, a developer-facing message and typed details.
 */
export interface Status__Output {
  /**
   * The gRPC status code (google.rpc.Code).
   */
  'code': (number);
  /**
   * One English sentence saying what went wrong.
   */
  'message': (string);
  /**
   * Typed details, e.g. google.rpc.BadRequest.
   */
  'details': (_google_protobuf_Any__Output)[];
}
