// Original file: ../../proto/sim2real/v1/translator.proto


/**
 * The source labels of a label-consistent training run.
 */
export interface LabelSet {
  /**
   * Class labels: the class names, in index order. Empty for vector labels.
   */
  'classNames'?: (string)[];
  /**
   * Vector labels (e.g. 3DMM coefficients): the values per image. 0 for class labels.
   */
  'dimensions'?: (number);
  /**
   * Lower-case hex SHA-256 of every source image's label in order, with the class names: versions trained on the
   * same labelled set show the same hash.
   */
  'sha256'?: (string);
}

/**
 * The source labels of a label-consistent training run.
 */
export interface LabelSet__Output {
  /**
   * Class labels: the class names, in index order. Empty for vector labels.
   */
  'classNames': (string)[];
  /**
   * Vector labels (e.g. 3DMM coefficients): the values per image. 0 for class labels.
   */
  'dimensions': (number);
  /**
   * Lower-case hex SHA-256 of every source image's label in order, with the class names: versions trained on the
   * same labelled set show the same hash.
   */
  'sha256': (string);
}
