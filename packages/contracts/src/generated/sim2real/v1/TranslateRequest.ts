// Original file: ../../proto/sim2real/v1/translator.proto

import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from '../../sim2real/v1/Image.js';
import type { Encoding as _sim2real_v1_Encoding, Encoding__Output as _sim2real_v1_Encoding__Output } from '../../sim2real/v1/Encoding.js';

export interface TranslateRequest {
  'requestId'?: (string);
  /**
   * "name", "name@version", "name@latest"; empty = the server's default model.
   */
  'model'?: (string);
  'images'?: (_sim2real_v1_Image)[];
  'includeAttention'?: (boolean);
  'includeInitial'?: (boolean);
  /**
   * ENCODING_UNSPECIFIED = PNG.
   */
  'outputEncoding'?: (_sim2real_v1_Encoding);
  /**
   * W3C trace context of the caller's span for this request ("traceparent", optionally "tracestate"; keys as
   * OpenTelemetry's propagation API writes them). Read on TranslateStream only: one stream carries many
   * requests, so its gRPC metadata cannot hold each request's context; the server parents the request's span
   * on this field (on the stream's own span when it is empty). Translate takes the context from the metadata.
   */
  'traceContext'?: ({[key: string]: string});
}

export interface TranslateRequest__Output {
  'requestId': (string);
  /**
   * "name", "name@version", "name@latest"; empty = the server's default model.
   */
  'model': (string);
  'images': (_sim2real_v1_Image__Output)[];
  'includeAttention': (boolean);
  'includeInitial': (boolean);
  /**
   * ENCODING_UNSPECIFIED = PNG.
   */
  'outputEncoding': (_sim2real_v1_Encoding__Output);
  /**
   * W3C trace context of the caller's span for this request ("traceparent", optionally "tracestate"; keys as
   * OpenTelemetry's propagation API writes them). Read on TranslateStream only: one stream carries many
   * requests, so its gRPC metadata cannot hold each request's context; the server parents the request's span
   * on this field (on the stream's own span when it is empty). Translate takes the context from the metadata.
   */
  'traceContext': ({[key: string]: string});
}
