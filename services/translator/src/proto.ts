import type { sim2realV1 } from '@sim2real/contracts';

/*
 * Message types derived from the loaded package's type, so they follow the generated code without deep imports
 * into @sim2real/contracts: `In` is what we may send (serialize), `Out` what we receive (deserialize, defaults
 * filled in, enums as strings).
 */
type V1 = typeof sim2realV1;
type In<K extends keyof V1> = V1[K] extends { serialize: (value: infer I) => Buffer } ? I : never;
type Out<K extends keyof V1> = V1[K] extends { deserialize: (bytes: Buffer) => infer O } ? O : never;

export type ImageMessage = In<'Image'>;
export type ImageMessageOut = Out<'Image'>;
export type EncodingName = Out<'Image'>['encoding'];
export type TranslateRequestIn = In<'TranslateRequest'>;
export type TranslateRequest = Out<'TranslateRequest'>;
export type TranslateResponse = In<'TranslateResponse'>;
export type TranslateResponseOut = Out<'TranslateResponse'>;
export type TranslatedImage = In<'TranslatedImage'>;
export type StartTrainingRequest = Out<'StartTrainingRequest'>;
export type StartTrainingRequestIn = In<'StartTrainingRequest'>;
export type StartTrainingResponse = In<'StartTrainingResponse'>;
export type CancelTrainingResponse = In<'CancelTrainingResponse'>;
export type WatchTrainingResponse = In<'WatchTrainingResponse'>;
export type TrainingStageName = Out<'TrainingEvent'>['trainingStage'];
export type TrainingConfigMessage = Out<'TrainingConfig'>;
export type TrainingJobMessage = In<'TrainingJob'>;
export type TrainingJobOut = Out<'TrainingJob'>;
export type JobStateName = Out<'TrainingJob'>['state'];
export type TrainingEventMessage = In<'TrainingEvent'>;
export type TrainingEventOut = Out<'TrainingEvent'>;
export type WatchTrainingRequest = Out<'WatchTrainingRequest'>;
export type CancelTrainingRequest = Out<'CancelTrainingRequest'>;
export type ListModelsRequest = Out<'ListModelsRequest'>;
export type ListModelsResponse = In<'ListModelsResponse'>;
export type ListModelsResponseOut = Out<'ListModelsResponse'>;
export type GetModelRequest = Out<'GetModelRequest'>;
export type GetModelResponse = In<'GetModelResponse'>;
export type ModelInfoMessage = In<'ModelInfo'>;
export type ModelInfoOut = Out<'ModelInfo'>;
export type ModelVersionMessage = In<'ModelVersion'>;
export type PromoteModelRequest = Out<'PromoteModelRequest'>;
export type AliasModelRequest = Out<'AliasModelRequest'>;
export type DeleteModelRequest = Out<'DeleteModelRequest'>;
/** PromoteModelResponse, AliasModelResponse and DeleteModelResponse share this shape. */
export type ModelChangeResponse = In<'PromoteModelResponse'>;
export type ModelChangeResponseOut = Out<'PromoteModelResponse'>;
export type TrainingConfigIn = In<'TrainingConfig'>;

/** The typed gRPC client of `sim2real.v1.Translator`. */
export type TranslatorGrpcClient = InstanceType<V1['Translator']>;
