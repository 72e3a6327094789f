import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelTrainingRequest as _sim2real_v1_CancelTrainingRequest, CancelTrainingRequest__Output as _sim2real_v1_CancelTrainingRequest__Output } from './sim2real/v1/CancelTrainingRequest.js';
import type { GetModelRequest as _sim2real_v1_GetModelRequest, GetModelRequest__Output as _sim2real_v1_GetModelRequest__Output } from './sim2real/v1/GetModelRequest.js';
import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from './sim2real/v1/Image.js';
import type { ListModelsRequest as _sim2real_v1_ListModelsRequest, ListModelsRequest__Output as _sim2real_v1_ListModelsRequest__Output } from './sim2real/v1/ListModelsRequest.js';
import type { ListModelsResponse as _sim2real_v1_ListModelsResponse, ListModelsResponse__Output as _sim2real_v1_ListModelsResponse__Output } from './sim2real/v1/ListModelsResponse.js';
import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from './sim2real/v1/ModelInfo.js';
import type { ModelVersion as _sim2real_v1_ModelVersion, ModelVersion__Output as _sim2real_v1_ModelVersion__Output } from './sim2real/v1/ModelVersion.js';
import type { RequestError as _sim2real_v1_RequestError, RequestError__Output as _sim2real_v1_RequestError__Output } from './sim2real/v1/RequestError.js';
import type { StartTrainingRequest as _sim2real_v1_StartTrainingRequest, StartTrainingRequest__Output as _sim2real_v1_StartTrainingRequest__Output } from './sim2real/v1/StartTrainingRequest.js';
import type { TrainingConfig as _sim2real_v1_TrainingConfig, TrainingConfig__Output as _sim2real_v1_TrainingConfig__Output } from './sim2real/v1/TrainingConfig.js';
import type { TrainingEvent as _sim2real_v1_TrainingEvent, TrainingEvent__Output as _sim2real_v1_TrainingEvent__Output } from './sim2real/v1/TrainingEvent.js';
import type { TrainingJob as _sim2real_v1_TrainingJob, TrainingJob__Output as _sim2real_v1_TrainingJob__Output } from './sim2real/v1/TrainingJob.js';
import type { TranslateRequest as _sim2real_v1_TranslateRequest, TranslateRequest__Output as _sim2real_v1_TranslateRequest__Output } from './sim2real/v1/TranslateRequest.js';
import type { TranslateResponse as _sim2real_v1_TranslateResponse, TranslateResponse__Output as _sim2real_v1_TranslateResponse__Output } from './sim2real/v1/TranslateResponse.js';
import type { TranslatedImage as _sim2real_v1_TranslatedImage, TranslatedImage__Output as _sim2real_v1_TranslatedImage__Output } from './sim2real/v1/TranslatedImage.js';
import type { TranslatorClient as _sim2real_v1_TranslatorClient, TranslatorDefinition as _sim2real_v1_TranslatorDefinition } from './sim2real/v1/Translator.js';
import type { WatchTrainingRequest as _sim2real_v1_WatchTrainingRequest, WatchTrainingRequest__Output as _sim2real_v1_WatchTrainingRequest__Output } from './sim2real/v1/WatchTrainingRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sim2real: {
    v1: {
      CancelTrainingRequest: MessageTypeDefinition<_sim2real_v1_CancelTrainingRequest, _sim2real_v1_CancelTrainingRequest__Output>
      Encoding: EnumTypeDefinition
      GetModelRequest: MessageTypeDefinition<_sim2real_v1_GetModelRequest, _sim2real_v1_GetModelRequest__Output>
      Image: MessageTypeDefinition<_sim2real_v1_Image, _sim2real_v1_Image__Output>
      JobState: EnumTypeDefinition
      ListModelsRequest: MessageTypeDefinition<_sim2real_v1_ListModelsRequest, _sim2real_v1_ListModelsRequest__Output>
      ListModelsResponse: MessageTypeDefinition<_sim2real_v1_ListModelsResponse, _sim2real_v1_ListModelsResponse__Output>
      ModelInfo: MessageTypeDefinition<_sim2real_v1_ModelInfo, _sim2real_v1_ModelInfo__Output>
      ModelVersion: MessageTypeDefinition<_sim2real_v1_ModelVersion, _sim2real_v1_ModelVersion__Output>
      RequestError: MessageTypeDefinition<_sim2real_v1_RequestError, _sim2real_v1_RequestError__Output>
      StartTrainingRequest: MessageTypeDefinition<_sim2real_v1_StartTrainingRequest, _sim2real_v1_StartTrainingRequest__Output>
      TrainingConfig: MessageTypeDefinition<_sim2real_v1_TrainingConfig, _sim2real_v1_TrainingConfig__Output>
      TrainingEvent: MessageTypeDefinition<_sim2real_v1_TrainingEvent, _sim2real_v1_TrainingEvent__Output>
      TrainingJob: MessageTypeDefinition<_sim2real_v1_TrainingJob, _sim2real_v1_TrainingJob__Output>
      TranslateRequest: MessageTypeDefinition<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateRequest__Output>
      TranslateResponse: MessageTypeDefinition<_sim2real_v1_TranslateResponse, _sim2real_v1_TranslateResponse__Output>
      TranslatedImage: MessageTypeDefinition<_sim2real_v1_TranslatedImage, _sim2real_v1_TranslatedImage__Output>
      /**
       * Trains and serves sim->real generators (Show, Attend and Translate).
       */
      Translator: SubtypeConstructor<typeof grpc.Client, _sim2real_v1_TranslatorClient> & { service: _sim2real_v1_TranslatorDefinition }
      WatchTrainingRequest: MessageTypeDefinition<_sim2real_v1_WatchTrainingRequest, _sim2real_v1_WatchTrainingRequest__Output>
    }
  }
}

