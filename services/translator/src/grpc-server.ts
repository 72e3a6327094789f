import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { sim2realPackageDefinition, sim2realV1 } from '@sim2real/contracts';
import { HealthImplementation } from 'grpc-health-check';
import type { CallKit } from './calls.js';
import type { TranslatorServerConfig } from './config.js';
import type { TrainingJobs } from './jobs.js';
import { aliasModelHandler, deleteModelHandler, getModelHandler, listModelsHandler, promoteModelHandler } from './model-handlers.js';
import type { ModelRegistry } from './registry.js';
import { RPC_SERVICE } from './telemetry.js';
import { cancelTrainingHandler, startTrainingHandler, watchTrainingHandler } from './training-handlers.js';
import { translateHandler, translateStreamHandler } from './translate-handlers.js';
import type { TranslateHandlerDeps } from './translate-handlers.js';

/** The health services reported: the server as a whole ('') and sim2real.v1.Translator. */
export const HEALTH_SERVICES = ['', RPC_SERVICE] as const;

/** What the Translator service's handlers share. */
export interface TranslatorServiceDeps {
  /** The translate handlers' dependencies, whose call tracker, telemetry and streams every handler shares. */
  translate: TranslateHandlerDeps;
  jobs: TrainingJobs;
  registry: ModelRegistry;
}

/** The handlers of sim2real.v1.Translator. */
function translatorService({ translate, jobs, registry }: TranslatorServiceDeps): grpc.UntypedServiceImplementation {
  const kit: CallKit = { tracker: translate.tracker, telemetry: translate.telemetry };
  const training = { ...kit, jobs, streams: translate.streams };
  return {
    Translate: translateHandler(translate),
    TranslateStream: translateStreamHandler(translate),
    StartTraining: startTrainingHandler(training),
    WatchTraining: watchTrainingHandler(training),
    CancelTraining: cancelTrainingHandler(training),
    ListModels: listModelsHandler(kit, registry),
    GetModel: getModelHandler(kit, registry),
    PromoteModel: promoteModelHandler(kit, registry),
    AliasModel: aliasModelHandler(kit, registry),
    DeleteModel: deleteModelHandler(kit, registry),
  };
}

/**
 * The gRPC server with its channel limits and `interceptor`, serving sim2real.v1.Translator, grpc.health.v1
 * (every service NOT_SERVING until the caller says otherwise) and, when configured, server reflection.
 */
export function createGrpcServer(
  config: TranslatorServerConfig,
  interceptor: grpc.ServerInterceptor,
  deps: TranslatorServiceDeps,
): { server: grpc.Server; health: HealthImplementation } {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    'grpc.max_connection_idle_ms': config.maxConnectionIdleMs,
    'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
    interceptors: [interceptor],
  });
  server.addService(sim2realV1.Translator.service, translatorService(deps));
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));
  health.addToServer(server);
  if (config.reflection) new ReflectionService(sim2realPackageDefinition).addToServer(server);
  return { server, health };
}
