// Original file: ../../proto/google/rpc/error_details.proto


/**
 * The resource a call was about (e.g. with NOT_FOUND).
 */
export interface ResourceInfo {
  /**
   * e.g. "sim2real.v1.ModelVersion", "sim2real.v1.TrainingJob".
   */
  'resourceType'?: (string);
  /**
   * e.g. "name@version", a job id.
   */
  'resourceName'?: (string);
  'owner'?: (string);
  'description'?: (string);
}

/**
 * The resource a call was about (e.g. with NOT_FOUND).
 */
export interface ResourceInfo__Output {
  /**
   * e.g. "sim2real.v1.ModelVersion", "sim2real.v1.TrainingJob".
   */
  'resourceType': (string);
  /**
   * e.g. "name@version", a job id.
   */
  'resourceName': (string);
  'owner': (string);
  'description': (string);
}
