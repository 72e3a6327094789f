// Original file: ../../proto/sim2real/v1/translator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AliasModelRequest as _sim2real_v1_AliasModelRequest, AliasModelRequest__Output as _sim2real_v1_AliasModelRequest__Output } from '../../sim2real/v1/AliasModelRequest.js';
import type { AliasModelResponse as _sim2real_v1_AliasModelResponse, AliasModelResponse__Output as _sim2real_v1_AliasModelResponse__Output } from '../../sim2real/v1/AliasModelResponse.js';
import type { CancelTrainingRequest as _sim2real_v1_CancelTrainingRequest, CancelTrainingRequest__Output as _sim2real_v1_CancelTrainingRequest__Output } from '../../sim2real/v1/CancelTrainingRequest.js';
import type { CancelTrainingResponse as _sim2real_v1_CancelTrainingResponse, CancelTrainingResponse__Output as _sim2real_v1_CancelTrainingResponse__Output } from '../../sim2real/v1/CancelTrainingResponse.js';
import type { DeleteModelRequest as _sim2real_v1_DeleteModelRequest, DeleteModelRequest__Output as _sim2real_v1_DeleteModelRequest__Output } from '../../sim2real/v1/DeleteModelRequest.js';
import type { DeleteModelResponse as _sim2real_v1_DeleteModelResponse, DeleteModelResponse__Output as _sim2real_v1_DeleteModelResponse__Output } from '../../sim2real/v1/DeleteModelResponse.js';
import type { GetModelRequest as _sim2real_v1_GetModelRequest, GetModelRequest__Output as _sim2real_v1_GetModelRequest__Output } from '../../sim2real/v1/GetModelRequest.js';
import type { GetModelResponse as _sim2real_v1_GetModelResponse, GetModelResponse__Output as _sim2real_v1_GetModelResponse__Output } from '../../sim2real/v1/GetModelResponse.js';
import type { ListModelsRequest as _sim2real_v1_ListModelsRequest, ListModelsRequest__Output as _sim2real_v1_ListModelsRequest__Output } from '../../sim2real/v1/ListModelsRequest.js';
import type { ListModelsResponse as _sim2real_v1_ListModelsResponse, ListModelsResponse__Output as _sim2real_v1_ListModelsResponse__Output } from '../../sim2real/v1/ListModelsResponse.js';
import type { PromoteModelRequest as _sim2real_v1_PromoteModelRequest, PromoteModelRequest__Output as _sim2real_v1_PromoteModelRequest__Output } from '../../sim2real/v1/PromoteModelRequest.js';
import type { PromoteModelResponse as _sim2real_v1_PromoteModelResponse, PromoteModelResponse__Output as _sim2real_v1_PromoteModelResponse__Output } from '../../sim2real/v1/PromoteModelResponse.js';
import type { StartTrainingRequest as _sim2real_v1_StartTrainingRequest, StartTrainingRequest__Output as _sim2real_v1_StartTrainingRequest__Output } from '../../sim2real/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _sim2real_v1_StartTrainingResponse, StartTrainingResponse__Output as _sim2real_v1_StartTrainingResponse__Output } from '../../sim2real/v1/StartTrainingResponse.js';
import type { TranslateRequest as _sim2real_v1_TranslateRequest, TranslateRequest__Output as _sim2real_v1_TranslateRequest__Output } from '../../sim2real/v1/TranslateRequest.js';
import type { TranslateResponse as _sim2real_v1_TranslateResponse, TranslateResponse__Output as _sim2real_v1_TranslateResponse__Output } from '../../sim2real/v1/TranslateResponse.js';
import type { WatchTrainingRequest as _sim2real_v1_WatchTrainingRequest, WatchTrainingRequest__Output as _sim2real_v1_WatchTrainingRequest__Output } from '../../sim2real/v1/WatchTrainingRequest.js';
import type { WatchTrainingResponse as _sim2real_v1_WatchTrainingResponse, WatchTrainingResponse__Output as _sim2real_v1_WatchTrainingResponse__Output } from '../../sim2real/v1/WatchTrainingResponse.js';

/**
 * Trains and serves sim->real generators (Show, Attend and Translate).
 * 
 * Lint exceptions, each on the element it concerns: the service name and the two translate RPCs' shared
 * message names are fixed contracts that deployments and checks outside this repository call by name.
 * buf:lint:ignore SERVICE_SUFFIX
 */
export interface TranslatorClient extends grpc.Client {
  /**
   * Points "name@alias" (e.g. faces@prod) at a version, or removes the alias.
   */
  AliasModel(argument: _sim2real_v1_AliasModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  AliasModel(argument: _sim2real_v1_AliasModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  AliasModel(argument: _sim2real_v1_AliasModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  AliasModel(argument: _sim2real_v1_AliasModelRequest, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Points "name@alias" (e.g. faces@prod) at a version, or removes the alias.
   */
  aliasModel(argument: _sim2real_v1_AliasModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  aliasModel(argument: _sim2real_v1_AliasModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  aliasModel(argument: _sim2real_v1_AliasModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  aliasModel(argument: _sim2real_v1_AliasModelRequest, callback: grpc.requestCallback<_sim2real_v1_AliasModelResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops a job; its last checkpoint is kept.
   */
  CancelTraining(argument: _sim2real_v1_CancelTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _sim2real_v1_CancelTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _sim2real_v1_CancelTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  CancelTraining(argument: _sim2real_v1_CancelTrainingRequest, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops a job; its last checkpoint is kept.
   */
  cancelTraining(argument: _sim2real_v1_CancelTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _sim2real_v1_CancelTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _sim2real_v1_CancelTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  cancelTraining(argument: _sim2real_v1_CancelTrainingRequest, callback: grpc.requestCallback<_sim2real_v1_CancelTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a version (refused while an alias names it).
   */
  DeleteModel(argument: _sim2real_v1_DeleteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _sim2real_v1_DeleteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _sim2real_v1_DeleteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _sim2real_v1_DeleteModelRequest, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a version (refused while an alias names it).
   */
  deleteModel(argument: _sim2real_v1_DeleteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _sim2real_v1_DeleteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _sim2real_v1_DeleteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _sim2real_v1_DeleteModelRequest, callback: grpc.requestCallback<_sim2real_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One model with all its versions, or one version of it.
   */
  GetModel(argument: _sim2real_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _sim2real_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _sim2real_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _sim2real_v1_GetModelRequest, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One model with all its versions, or one version of it.
   */
  getModel(argument: _sim2real_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _sim2real_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _sim2real_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  getModel(argument: _sim2real_v1_GetModelRequest, callback: grpc.requestCallback<_sim2real_v1_GetModelResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The registry's models, a page at a time, in name order.
   */
  ListModels(argument: _sim2real_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _sim2real_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _sim2real_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _sim2real_v1_ListModelsRequest, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The registry's models, a page at a time, in name order.
   */
  listModels(argument: _sim2real_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _sim2real_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _sim2real_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _sim2real_v1_ListModelsRequest, callback: grpc.requestCallback<_sim2real_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Model management (role admin).
   * Accepts a partial version as finished: "name" and "name@latest" may then resolve to it.
   */
  PromoteModel(argument: _sim2real_v1_PromoteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  PromoteModel(argument: _sim2real_v1_PromoteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  PromoteModel(argument: _sim2real_v1_PromoteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  PromoteModel(argument: _sim2real_v1_PromoteModelRequest, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Model management (role admin).
   * Accepts a partial version as finished: "name" and "name@latest" may then resolve to it.
   */
  promoteModel(argument: _sim2real_v1_PromoteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  promoteModel(argument: _sim2real_v1_PromoteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  promoteModel(argument: _sim2real_v1_PromoteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  promoteModel(argument: _sim2real_v1_PromoteModelRequest, callback: grpc.requestCallback<_sim2real_v1_PromoteModelResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Queues a training job; one job runs at a time.
   */
  StartTraining(argument: _sim2real_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _sim2real_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _sim2real_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _sim2real_v1_StartTrainingRequest, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Queues a training job; one job runs at a time.
   */
  startTraining(argument: _sim2real_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _sim2real_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _sim2real_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _sim2real_v1_StartTrainingRequest, callback: grpc.requestCallback<_sim2real_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Translates a few images with one model. Its messages are shared with TranslateStream (see there).
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   */
  Translate(argument: _sim2real_v1_TranslateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  Translate(argument: _sim2real_v1_TranslateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  Translate(argument: _sim2real_v1_TranslateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  Translate(argument: _sim2real_v1_TranslateRequest, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Translates a few images with one model. Its messages are shared with TranslateStream (see there).
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   */
  translate(argument: _sim2real_v1_TranslateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  translate(argument: _sim2real_v1_TranslateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  translate(argument: _sim2real_v1_TranslateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  translate(argument: _sim2real_v1_TranslateRequest, callback: grpc.requestCallback<_sim2real_v1_TranslateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many requests on one stream; exactly one response per request, correlated by request_id. It carries the
   * same messages as Translate on purpose: a caller moves between the two without converting anything.
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   * buf:lint:ignore RPC_REQUEST_STANDARD_NAME
   * buf:lint:ignore RPC_RESPONSE_STANDARD_NAME
   */
  TranslateStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse__Output>;
  TranslateStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse__Output>;
  /**
   * Many requests on one stream; exactly one response per request, correlated by request_id. It carries the
   * same messages as Translate on purpose: a caller moves between the two without converting anything.
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   * buf:lint:ignore RPC_REQUEST_STANDARD_NAME
   * buf:lint:ignore RPC_RESPONSE_STANDARD_NAME
   */
  translateStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse__Output>;
  translateStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse__Output>;
  
  /**
   * Streams a job's progress from its start (replayed) until it ends.
   */
  WatchTraining(argument: _sim2real_v1_WatchTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_sim2real_v1_WatchTrainingResponse__Output>;
  WatchTraining(argument: _sim2real_v1_WatchTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_sim2real_v1_WatchTrainingResponse__Output>;
  /**
   * Streams a job's progress from its start (replayed) until it ends.
   */
  watchTraining(argument: _sim2real_v1_WatchTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_sim2real_v1_WatchTrainingResponse__Output>;
  watchTraining(argument: _sim2real_v1_WatchTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_sim2real_v1_WatchTrainingResponse__Output>;
  
}

/**
 * Trains and serves sim->real generators (Show, Attend and Translate).
 * 
 * Lint exceptions, each on the element it concerns: the service name and the two translate RPCs' shared
 * message names are fixed contracts that deployments and checks outside this repository call by name.
 * buf:lint:ignore SERVICE_SUFFIX
 */
export interface TranslatorHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Points "name@alias" (e.g. faces@prod) at a version, or removes the alias.
   */
  AliasModel: grpc.handleUnaryCall<_sim2real_v1_AliasModelRequest__Output, _sim2real_v1_AliasModelResponse>;
  
  /**
   * Stops a job; its last checkpoint is kept.
   */
  CancelTraining: grpc.handleUnaryCall<_sim2real_v1_CancelTrainingRequest__Output, _sim2real_v1_CancelTrainingResponse>;
  
  /**
   * Deletes a version (refused while an alias names it).
   */
  DeleteModel: grpc.handleUnaryCall<_sim2real_v1_DeleteModelRequest__Output, _sim2real_v1_DeleteModelResponse>;
  
  /**
   * One model with all its versions, or one version of it.
   */
  GetModel: grpc.handleUnaryCall<_sim2real_v1_GetModelRequest__Output, _sim2real_v1_GetModelResponse>;
  
  /**
   * The registry's models, a page at a time, in name order.
   */
  ListModels: grpc.handleUnaryCall<_sim2real_v1_ListModelsRequest__Output, _sim2real_v1_ListModelsResponse>;
  
  /**
   * Model management (role admin).
   * Accepts a partial version as finished: "name" and "name@latest" may then resolve to it.
   */
  PromoteModel: grpc.handleUnaryCall<_sim2real_v1_PromoteModelRequest__Output, _sim2real_v1_PromoteModelResponse>;
  
  /**
   * Queues a training job; one job runs at a time.
   */
  StartTraining: grpc.handleUnaryCall<_sim2real_v1_StartTrainingRequest__Output, _sim2real_v1_StartTrainingResponse>;
  
  /**
   * Translates a few images with one model. Its messages are shared with TranslateStream (see there).
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   */
  Translate: grpc.handleUnaryCall<_sim2real_v1_TranslateRequest__Output, _sim2real_v1_TranslateResponse>;
  
  /**
   * Many requests on one stream; exactly one response per request, correlated by request_id. It carries the
   * same messages as Translate on purpose: a caller moves between the two without converting anything.
   * buf:lint:ignore RPC_REQUEST_RESPONSE_UNIQUE
   * buf:lint:ignore RPC_REQUEST_STANDARD_NAME
   * buf:lint:ignore RPC_RESPONSE_STANDARD_NAME
   */
  TranslateStream: grpc.handleBidiStreamingCall<_sim2real_v1_TranslateRequest__Output, _sim2real_v1_TranslateResponse>;
  
  /**
   * Streams a job's progress from its start (replayed) until it ends.
   */
  WatchTraining: grpc.handleServerStreamingCall<_sim2real_v1_WatchTrainingRequest__Output, _sim2real_v1_WatchTrainingResponse>;
  
}

export interface TranslatorDefinition extends grpc.ServiceDefinition {
  AliasModel: MethodDefinition<_sim2real_v1_AliasModelRequest, _sim2real_v1_AliasModelResponse, _sim2real_v1_AliasModelRequest__Output, _sim2real_v1_AliasModelResponse__Output>
  CancelTraining: MethodDefinition<_sim2real_v1_CancelTrainingRequest, _sim2real_v1_CancelTrainingResponse, _sim2real_v1_CancelTrainingRequest__Output, _sim2real_v1_CancelTrainingResponse__Output>
  DeleteModel: MethodDefinition<_sim2real_v1_DeleteModelRequest, _sim2real_v1_DeleteModelResponse, _sim2real_v1_DeleteModelRequest__Output, _sim2real_v1_DeleteModelResponse__Output>
  GetModel: MethodDefinition<_sim2real_v1_GetModelRequest, _sim2real_v1_GetModelResponse, _sim2real_v1_GetModelRequest__Output, _sim2real_v1_GetModelResponse__Output>
  ListModels: MethodDefinition<_sim2real_v1_ListModelsRequest, _sim2real_v1_ListModelsResponse, _sim2real_v1_ListModelsRequest__Output, _sim2real_v1_ListModelsResponse__Output>
  PromoteModel: MethodDefinition<_sim2real_v1_PromoteModelRequest, _sim2real_v1_PromoteModelResponse, _sim2real_v1_PromoteModelRequest__Output, _sim2real_v1_PromoteModelResponse__Output>
  StartTraining: MethodDefinition<_sim2real_v1_StartTrainingRequest, _sim2real_v1_StartTrainingResponse, _sim2real_v1_StartTrainingRequest__Output, _sim2real_v1_StartTrainingResponse__Output>
  Translate: MethodDefinition<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse, _sim2real_v1_TranslateRequest__Output, _sim2real_v1_TranslateResponse__Output>
  TranslateStream: MethodDefinition<_sim2real_v1_TranslateRequest, _sim2real_v1_TranslateResponse, _sim2real_v1_TranslateRequest__Output, _sim2real_v1_TranslateResponse__Output>
  WatchTraining: MethodDefinition<_sim2real_v1_WatchTrainingRequest, _sim2real_v1_WatchTrainingResponse, _sim2real_v1_WatchTrainingRequest__Output, _sim2real_v1_WatchTrainingResponse__Output>
}
