// Original file: ../../proto/sim2real/v1/image.proto

/**
 * How the bytes of an Image are encoded.
 */
export const Encoding = {
  ENCODING_UNSPECIFIED: 'ENCODING_UNSPECIFIED',
  ENCODING_PNG: 'ENCODING_PNG',
  ENCODING_JPEG: 'ENCODING_JPEG',
  /**
   * Tightly packed 8-bit RGB, row-major; width and height are required.
   */
  ENCODING_RAW_RGB8: 'ENCODING_RAW_RGB8',
} as const;

/**
 * How the bytes of an Image are encoded.
 */
export type Encoding =
  | 'ENCODING_UNSPECIFIED'
  | 0
  | 'ENCODING_PNG'
  | 1
  | 'ENCODING_JPEG'
  | 2
  /**
   * Tightly packed 8-bit RGB, row-major; width and height are required.
   */
  | 'ENCODING_RAW_RGB8'
  | 3

/**
 * How the bytes of an Image are encoded.
 */
export type Encoding__Output = typeof Encoding[keyof typeof Encoding]
