// Original file: ../../proto/sim2real/v1/translator.proto


export interface ListModelsRequest {
  /**
   * Models per page; 0 = 50, at most 1000.
   */
  'pageSize'?: (number);
  /**
   * next_page_token of the previous page; empty = the first page.
   */
  'pageToken'?: (string);
}

export interface ListModelsRequest__Output {
  /**
   * Models per page; 0 = 50, at most 1000.
   */
  'pageSize': (number);
  /**
   * next_page_token of the previous page; empty = the first page.
   */
  'pageToken': (string);
}
