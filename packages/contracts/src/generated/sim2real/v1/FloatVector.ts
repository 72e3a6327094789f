// Original file: ../../proto/sim2real/v1/batch.proto


export interface FloatVector {
  'values'?: (number | string)[];
}

export interface FloatVector__Output {
  'values': (number)[];
}
