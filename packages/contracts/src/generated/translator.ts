import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { ListValue as _google_protobuf_ListValue, ListValue__Output as _google_protobuf_ListValue__Output } from './google/protobuf/ListValue.js';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from './google/protobuf/Struct.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Value as _google_protobuf_Value, Value__Output as _google_protobuf_Value__Output } from './google/protobuf/Value.js';
import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from './google/rpc/Status.js';
import type { AliasModelRequest as _sim2real_v1_AliasModelRequest, AliasModelRequest__Output as _sim2real_v1_AliasModelRequest__Output } from './sim2real/v1/AliasModelRequest.js';
import type { AliasModelResponse as _sim2real_v1_AliasModelResponse, AliasModelResponse__Output as _sim2real_v1_AliasModelResponse__Output } from './sim2real/v1/AliasModelResponse.js';
import type { CancelTrainingRequest as _sim2real_v1_CancelTrainingRequest, CancelTrainingRequest__Output as _sim2real_v1_CancelTrainingRequest__Output } from './sim2real/v1/CancelTrainingRequest.js';
import type { CancelTrainingResponse as _sim2real_v1_CancelTrainingResponse, CancelTrainingResponse__Output as _sim2real_v1_CancelTrainingResponse__Output } from './sim2real/v1/CancelTrainingResponse.js';
import type { DeleteModelRequest as _sim2real_v1_DeleteModelRequest, DeleteModelRequest__Output as _sim2real_v1_DeleteModelRequest__Output } from './sim2real/v1/DeleteModelRequest.js';
import type { DeleteModelResponse as _sim2real_v1_DeleteModelResponse, DeleteModelResponse__Output as _sim2real_v1_DeleteModelResponse__Output } from './sim2real/v1/DeleteModelResponse.js';
import type { GetModelRequest as _sim2real_v1_GetModelRequest, GetModelRequest__Output as _sim2real_v1_GetModelRequest__Output } from './sim2real/v1/GetModelRequest.js';
import type { GetModelResponse as _sim2real_v1_GetModelResponse, GetModelResponse__Output as _sim2real_v1_GetModelResponse__Output } from './sim2real/v1/GetModelResponse.js';
import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from './sim2real/v1/Image.js';
import type { LabelSet as _sim2real_v1_LabelSet, LabelSet__Output as _sim2real_v1_LabelSet__Output } from './sim2real/v1/LabelSet.js';
import type { ListModelsRequest as _sim2real_v1_ListModelsRequest, ListModelsRequest__Output as _sim2real_v1_ListModelsRequest__Output } from './sim2real/v1/ListModelsRequest.js';
import type { ListModelsResponse as _sim2real_v1_ListModelsResponse, ListModelsResponse__Output as _sim2real_v1_ListModelsResponse__Output } from './sim2real/v1/ListModelsResponse.js';
import type { ModelInfo as _sim2real_v1_ModelInfo, ModelInfo__Output as _sim2real_v1_ModelInfo__Output } from './sim2real/v1/ModelInfo.js';
import type { ModelMetrics as _sim2real_v1_ModelMetrics, ModelMetrics__Output as _sim2real_v1_ModelMetrics__Output } from './sim2real/v1/ModelMetrics.js';
import type { ModelVersion as _sim2real_v1_ModelVersion, ModelVersion__Output as _sim2real_v1_ModelVersion__Output } from './sim2real/v1/ModelVersion.js';
import type { PromoteModelRequest as _sim2real_v1_PromoteModelRequest, PromoteModelRequest__Output as _sim2real_v1_PromoteModelRequest__Output } from './sim2real/v1/PromoteModelRequest.js';
import type { PromoteModelResponse as _sim2real_v1_PromoteModelResponse, PromoteModelResponse__Output as _sim2real_v1_PromoteModelResponse__Output } from './sim2real/v1/PromoteModelResponse.js';
import type { RequestError as _sim2real_v1_RequestError, RequestError__Output as _sim2real_v1_RequestError__Output } from './sim2real/v1/RequestError.js';
import type { StartTrainingRequest as _sim2real_v1_StartTrainingRequest, StartTrainingRequest__Output as _sim2real_v1_StartTrainingRequest__Output } from './sim2real/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _sim2real_v1_StartTrainingResponse, StartTrainingResponse__Output as _sim2real_v1_StartTrainingResponse__Output } from './sim2real/v1/StartTrainingResponse.js';
import type { TrainingConfig as _sim2real_v1_TrainingConfig, TrainingConfig__Output as _sim2real_v1_TrainingConfig__Output } from './sim2real/v1/TrainingConfig.js';
import type { TrainingEvent as _sim2real_v1_TrainingEvent, TrainingEvent__Output as _sim2real_v1_TrainingEvent__Output } from './sim2real/v1/TrainingEvent.js';
import type { TrainingJob as _sim2real_v1_TrainingJob, TrainingJob__Output as _sim2real_v1_TrainingJob__Output } from './sim2real/v1/TrainingJob.js';
import type { TranslateRequest as _sim2real_v1_TranslateRequest, TranslateRequest__Output as _sim2real_v1_TranslateRequest__Output } from './sim2real/v1/TranslateRequest.js';
import type { TranslateResponse as _sim2real_v1_TranslateResponse, TranslateResponse__Output as _sim2real_v1_TranslateResponse__Output } from './sim2real/v1/TranslateResponse.js';
import type { TranslatedImage as _sim2real_v1_TranslatedImage, TranslatedImage__Output as _sim2real_v1_TranslatedImage__Output } from './sim2real/v1/TranslatedImage.js';
import type { TranslatorClient as _sim2real_v1_TranslatorClient, TranslatorDefinition as _sim2real_v1_TranslatorDefinition } from './sim2real/v1/Translator.js';
import type { WatchTrainingRequest as _sim2real_v1_WatchTrainingRequest, WatchTrainingRequest__Output as _sim2real_v1_WatchTrainingRequest__Output } from './sim2real/v1/WatchTrainingRequest.js';
import type { WatchTrainingResponse as _sim2real_v1_WatchTrainingResponse, WatchTrainingResponse__Output as _sim2real_v1_WatchTrainingResponse__Output } from './sim2real/v1/WatchTrainingResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      ListValue: MessageTypeDefinition<_google_protobuf_ListValue, _google_protobuf_ListValue__Output>
      NullValue: EnumTypeDefinition
      Struct: MessageTypeDefinition<_google_protobuf_Struct, _google_protobuf_Struct__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
      Value: MessageTypeDefinition<_google_protobuf_Value, _google_protobuf_Value__Output>
    }
    rpc: {
      Status: MessageTypeDefinition<_google_rpc_Status, _google_rpc_Status__Output>
    }
  }
  sim2real: {
    v1: {
      AliasModelRequest: MessageTypeDefinition<_sim2real_v1_AliasModelRequest, _sim2real_v1_AliasModelRequest__Output>
      AliasModelResponse: MessageTypeDefinition<_sim2real_v1_AliasModelResponse, _sim2real_v1_AliasModelResponse__Output>
      CancelTrainingRequest: MessageTypeDefinition<_sim2real_v1_CancelTrainingRequest, _sim2real_v1_CancelTrainingRequest__Output>
      CancelTrainingResponse: MessageTypeDefinition<_sim2real_v1_CancelTrainingResponse, _sim2real_v1_CancelTrainingResponse__Output>
      DeleteModelRequest: MessageTypeDefinition<_sim2real_v1_DeleteModelRequest, _sim2real_v1_DeleteModelRequest__Output>
      DeleteModelResponse: MessageTypeDefinition<_sim2real_v1_DeleteModelResponse, _sim2real_v1_DeleteModelResponse__Output>
      Encoding: EnumTypeDefinition
      GetModelRequest: MessageTypeDefinition<_sim2real_v1_GetModelRequest, _sim2real_v1_GetModelRequest__Output>
      GetModelResponse: MessageTypeDefinition<_sim2real_v1_GetModelResponse, _sim2real_v1_GetModelResponse__Output>
      Image: MessageTypeDefinition<_sim2real_v1_Image, _sim2real_v1_Image__Output>
      JobState: EnumTypeDefinition
      LabelSet: MessageTypeDefinition<_sim2real_v1_LabelSet, _sim2real_v1_LabelSet__Output>
      ListModelsRequest: MessageTypeDefinition<_sim2real_v1_ListModelsRequest, _sim2real_v1_ListModelsRequest__Output>
      ListModelsResponse: MessageTypeDefinition<_sim2real_v1_ListModelsResponse, _sim2real_v1_ListModelsResponse__Output>
      ModelInfo: MessageTypeDefinition<_sim2real_v1_ModelInfo, _sim2real_v1_ModelInfo__Output>
      ModelMetrics: MessageTypeDefinition<_sim2real_v1_ModelMetrics, _sim2real_v1_ModelMetrics__Output>
      ModelVersion: MessageTypeDefinition<_sim2real_v1_ModelVersion, _sim2real_v1_ModelVersion__Output>
      PromoteModelRequest: MessageTypeDefinition<_sim2real_v1_PromoteModelRequest, _sim2real_v1_PromoteModelRequest__Output>
      PromoteModelResponse: MessageTypeDefinition<_sim2real_v1_PromoteModelResponse, _sim2real_v1_PromoteModelResponse__Output>
      RequestError: MessageTypeDefinition<_sim2real_v1_RequestError, _sim2real_v1_RequestError__Output>
      StartTrainingRequest: MessageTypeDefinition<_sim2real_v1_StartTrainingRequest, _sim2real_v1_StartTrainingRequest__Output>
      StartTrainingResponse: MessageTypeDefinition<_sim2real_v1_StartTrainingResponse, _sim2real_v1_StartTrainingResponse__Output>
      TrainingConfig: MessageTypeDefinition<_sim2real_v1_TrainingConfig, _sim2real_v1_TrainingConfig__Output>
      TrainingEvent: MessageTypeDefinition<_sim2real_v1_TrainingEvent, _sim2real_v1_TrainingEvent__Output>
      TrainingJob: MessageTypeDefinition<_sim2real_v1_TrainingJob, _sim2real_v1_TrainingJob__Output>
      TrainingStage: EnumTypeDefinition
      TranslateRequest: MessageTypeDefinition<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateRequest__Output>
      TranslateResponse: MessageTypeDefinition<_sim2real_v1_TranslateResponse, _sim2real_v1_TranslateResponse__Output>
      TranslatedImage: MessageTypeDefinition<_sim2real_v1_TranslatedImage, _sim2real_v1_TranslatedImage__Output>
      /**
       * Trains and serves sim->real generators (Show, Attend and Translate).
       * 
       * Lint exceptions, each on the element it concerns: the service name and the two translate RPCs' shared
       * message names are fixed contracts that deployments and checks outside this repository call by name.
       * buf:lint:ignore SERVICE_SUFFIX
       */
      Translator: SubtypeConstructor<typeof grpc.Client, _sim2real_v1_TranslatorClient> & { service: _sim2real_v1_TranslatorDefinition }
      WatchTrainingRequest: MessageTypeDefinition<_sim2real_v1_WatchTrainingRequest, _sim2real_v1_WatchTrainingRequest__Output>
      WatchTrainingResponse: MessageTypeDefinition<_sim2real_v1_WatchTrainingResponse, _sim2real_v1_WatchTrainingResponse__Output>
    }
  }
}

