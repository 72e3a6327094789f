// Original file: ../../proto/sim2real/v1/translator.proto


export interface ListModelsRequest {
}

export interface ListModelsRequest__Output {
}
