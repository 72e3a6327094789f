import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { sim2realPackageDefinition, sim2realV1 } from '@sim2real/contracts';
import { DEFAULT_TRAINING_QUEUE } from '@sim2real/messaging';
import { initBackend } from '@sim2real/tensor';
import type { BackendInfo } from '@sim2real/tensor';
import { HealthImplementation } from 'grpc-health-check';
import { createLogger, startHttpEndpoint } from '@sim2real/telemetry';
import type { HttpEndpoint, Logger, MetricsHandler } from '@sim2real/telemetry';
import { DashboardGuard } from './http/access.js';
import { dashboardRoutes } from './http/dashboard.js';
import { ServingWindow } from './http/serving.js';
import { DashboardSessions } from './http/sessions.js';
import { accessInterceptor } from './access.js';
import type { AccessStats } from './access.js';
import { Authenticator, readAuthTokens } from './auth.js';
import { MicroBatcher } from './batcher.js';
import type { BatchReport } from './batcher.js';
import { CallTracker } from './calls.js';
import { isLoopback, resolveServerConfig } from './config.js';
import type { TranslatorServerConfig, TranslatorServerOptions } from './config.js';
import { runInferenceBatch } from './inference.js';
import type { InferenceItem, InferenceOutput } from './inference.js';
import { LocalTrainingJobs } from './jobs.js';
import type { TrainingJobs, TrainingJobsOptions } from './jobs.js';
import { aliasModelHandler, deleteModelHandler, getModelHandler, listModelsHandler, promoteModelHandler } from './model-handlers.js';
import { NatsTrainingJobs } from './nats-jobs.js';
import { ModelRegistry } from './registry.js';
import { ServerTelemetry } from './telemetry.js';
import { RPC_SERVICE } from './telemetry.js';
import { ReloadableCertificates } from './tls.js';
import { cancelTrainingHandler, startTrainingHandler, watchTrainingHandler } from './training-handlers.js';
import { StreamRegistry, translateHandler, translateStreamHandler } from './translate-handlers.js';

/** Counters for tests, benchmarks and logs. */
export interface TranslatorServerStats {
  batches: number;
  /** Images that went through inference. */
  batchedImages: number;
  largestBatch: number;
  /** Batch size → number of batches of that size. */
  batchSizes: Record<number, number>;
  /** Engine kind → images it translated. */
  imagesByEngine: Record<string, number>;
  queuedImages: number;
  activeCalls: number;
  /** Unary calls admitted by the access layer and not yet answered. */
  unaryCalls: number;
}

/** How long a graceful shutdown lets calls finish before cutting them off, in ms (inside Kubernetes' default 30 s termination grace). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

export interface TranslatorServer {
  readonly config: TranslatorServerConfig;
  /** Loads the backend, binds the port and starts serving; resolves to the bound port. */
  start(): Promise<{ port: number; backend: BackendInfo; httpPort?: number }>;
  /**
   * Graceful shutdown: health turns NOT_SERVING and new calls get UNAVAILABLE at once, open streams finish what
   * they have read, the running training job is cancelled (its checkpoint kept); after `graceMs` (default
   * DEFAULT_SHUTDOWN_GRACE_MS) what is left is cut off. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
  stats(): TranslatorServerStats;
  /** Re-reads the TLS certificate, key and client CA (what SIGHUP does); the old ones stay when the new ones fail. */
  reloadCertificates(): Promise<void>;
}

/** Extra hooks for tests and embedding. */
export interface TranslatorServerHooks {
  /** Where the server's log lines go. @default JSON lines on stdout */
  log?: Logger;
  onBatch?: (report: BatchReport) => void;
  /** Serves `/metrics` on the HTTP port (Telemetry.metricsHandler of a telemetry started with `prometheus: true`). */
  metricsHandler?: MetricsHandler;
}

const HEALTH_SERVICES = ['', RPC_SERVICE] as const;

/** Builds the translator gRPC server (Translator + grpc.health.v1 + reflection) from its options; `start()` serves. */
export function createTranslatorServer(options: TranslatorServerOptions, hooks: TranslatorServerHooks = {}): TranslatorServer {
  const config = resolveServerConfig(options);
  const log = hooks.log ?? createLogger({ service: 'translator' });
  const telemetry = new ServerTelemetry();
  const serving = new ServingWindow(config.maxBatchSize);
  const stats: TranslatorServerStats = { batches: 0, batchedImages: 0, largestBatch: 0, batchSizes: {}, imagesByEngine: {}, queuedImages: 0, activeCalls: 0, unaryCalls: 0 };
  const registry = new ModelRegistry({
    root: config.registryDir,
    defaultModel: config.defaultModel,
    rescanMs: config.registryRescanMs,
    maxLoaded: config.maxLoadedModels,
    engine: { engine: config.engine, threads: config.inferenceThreads },
    onLoad: (model, info) => log.info('model_loaded', { model, engine: info.kind, engineDescription: info.description, engineReason: info.reason }),
  });
  const batcher = new MicroBatcher<InferenceItem, InferenceOutput>(
    runInferenceBatch,
    { maxBatchSize: config.maxBatchSize, maxBatchDelayMs: config.maxBatchDelayMs, maxQueuedItems: config.maxQueuedImages },
    (report) => {
      if (report.error === undefined) {
        stats.batches += 1;
        stats.batchedImages += report.size;
        stats.largestBatch = Math.max(stats.largestBatch, report.size);
        stats.batchSizes[report.size] = (stats.batchSizes[report.size] ?? 0) + 1;
        const engine = registry.engineOf(report.key) ?? 'unknown';
        stats.imagesByEngine[engine] = (stats.imagesByEngine[engine] ?? 0) + report.size;
        telemetry.recordBatch(report, engine);
        serving.record(report);
      } else {
        log.warn('batch_failed', { model: report.key, size: report.size, error: report.error instanceof Error ? report.error.message : 'unknown error' });
      }
      hooks.onBatch?.(report);
    },
  );
  const jobOptions: TrainingJobsOptions = {
    registry,
    maxQueuedJobs: config.maxQueuedJobs,
    maxFinishedJobs: config.maxFinishedJobs,
    trainingRoot: config.trainingRoot,
    limits: config,
    vggDir: config.vggDir,
    backend: config.backend,
    trainingNice: config.trainingNice,
    log,
  };
  // With NATS, jobs are shared by every replica on it; alone, they live in this process.
  const jobs: TrainingJobs =
    config.natsUrl === undefined
      ? new LocalTrainingJobs(jobOptions)
      : new NatsTrainingJobs({
          ...jobOptions,
          servers: config.natsUrl,
          auth: config.natsAuth,
          queue: { ...DEFAULT_TRAINING_QUEUE, ackWaitMs: config.trainingAckWaitMs },
          replica: `${os.hostname()}:${process.pid}`,
        });
  const authenticator = config.authTokensFile === undefined ? undefined : new Authenticator(readAuthTokens(config.authTokensFile));
  const access: AccessStats = { unaryCalls: 0 };
  const tracker = new CallTracker();
  const streams = new StreamRegistry(config.maxConcurrentStreams);
  const kit = { tracker, telemetry };
  const translateDeps = {
    ...kit,
    streams,
    limits: config,
    translate: {
      registry,
      batcher,
      maxImagesPerRequest: config.maxImagesPerRequest,
      maxPixelsPerImage: config.maxPixelsPerImage,
      maxQueuedImages: config.maxQueuedImages,
      maxResponseBytes: config.maxResponseBytes,
    },
  };
  const trainingDeps = { ...kit, jobs, streams };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    'grpc.max_connection_idle_ms': config.maxConnectionIdleMs,
    'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
    interceptors: [accessInterceptor({ authenticator, maxConcurrentUnaryCalls: config.maxConcurrentUnaryCalls, log }, access)],
  });
  server.addService(sim2realV1.Translator.service, {
    Translate: translateHandler(translateDeps),
    TranslateStream: translateStreamHandler(translateDeps),
    StartTraining: startTrainingHandler(trainingDeps),
    WatchTraining: watchTrainingHandler(trainingDeps),
    CancelTraining: cancelTrainingHandler(trainingDeps),
    ListModels: listModelsHandler(kit, registry),
    GetModel: getModelHandler(kit, registry),
    PromoteModel: promoteModelHandler(kit, registry),
    AliasModel: aliasModelHandler(kit, registry),
    DeleteModel: deleteModelHandler(kit, registry),
  } satisfies grpc.UntypedServiceImplementation);
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));
  health.addToServer(server);
  if (config.reflection) new ReflectionService(sim2realPackageDefinition).addToServer(server);

  telemetry.observe({ queuedImages: () => batcher.queued, activeCalls: () => tracker.active });
  let http: HttpEndpoint | undefined;
  let shuttingDown: Promise<void> | undefined;
  let certificates: ReloadableCertificates | undefined;

  return {
    config,
    async start() {
      const backend = await initBackend({ backend: config.backend });
      await registry.init();
      await jobs.init();
      if (config.tlsCertFile && config.tlsKeyFile) {
        certificates = await ReloadableCertificates.open({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, clientCaFile: config.tlsClientCaFile }, (outcome) => {
          if (outcome.ok) log.info('tls_reloaded');
          else log.error('tls_reload_failed', { error: outcome.error, keeping: 'the previous certificates' });
          // The dashboard's HTTPS follows the same files.
          if (outcome.ok && certificates && http) http.reloadTls(certificates.pem());
        });
      }
      const credentials = certificates?.serverCredentials() ?? grpc.ServerCredentials.createInsecure();
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(`${config.host}:${config.port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
      });
      if (config.httpPort !== undefined) {
        http = await startHttpEndpoint({
          port: config.httpPort,
          host: config.host,
          metrics: hooks.metricsHandler,
          // HTTPS on the gRPC server's certificate (and its client CA: mTLS there means mTLS here).
          tls: certificates?.pem(),
          ready: () => (tracker.closing ? { ok: false, checks: { grpc: 'shutting down' } } : { ok: true, checks: { grpc: true } }),
          routes: dashboardRoutes({
            registry,
            jobs,
            translate: translateDeps.translate,
            serving,
            stats: () => this.stats(),
            engine: () => ({ engine: config.engine, backend: backend.name }),
            maxUploadBytes: config.maxMessageBytes,
            guard: new DashboardGuard(authenticator, new DashboardSessions()),
            secure: certificates !== undefined,
            log,
          }),
        });
      }
      for (const service of HEALTH_SERVICES) health.setStatus(service, 'SERVING');
      log.info('serving', {
        port,
        host: config.host,
        backend: backend.name,
        backendPackage: backend.package,
        httpPort: http?.port,
        engine: config.engine,
        inferenceThreads: config.inferenceThreads,
        registry: config.registryDir,
        ...securitySummary(config),
      });
      return { port, backend, httpPort: http?.port };
    },
    shutdown(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      shuttingDown ??= (async () => {
        for (const service of HEALTH_SERVICES) health.setStatus(service, 'NOT_SERVING');
        log.info('shutting_down', { activeCalls: tracker.active, graceMs });
        const drained = tracker.close();
        streams.stopAll();
        const graceOver = new Promise<'timeout'>((resolve) => setTimeout(resolve, graceMs, 'timeout').unref());
        const result = await Promise.race([Promise.all([drained, jobs.close()]).then(() => 'drained' as const), graceOver]);
        if (result === 'timeout') {
          log.warn('shutdown_grace_over', { activeCalls: tracker.active });
          server.forceShutdown();
        } else {
          await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        }
        await http?.close();
        await registry.close();
        certificates?.close();
        log.info('stopped');
      })();
      return shuttingDown;
    },
    stats() {
      return { ...stats, batchSizes: { ...stats.batchSizes }, imagesByEngine: { ...stats.imagesByEngine }, queuedImages: batcher.queued, activeCalls: tracker.active, unaryCalls: access.unaryCalls };
    },
    async reloadCertificates() {
      await certificates?.reload();
    },
  };
}

/**
 * What is protected, for the start-up log line: transport (TLS, mTLS), access (tokens, or the loopback-only or
 * `--insecure` open mode) and remote training; `warnings` says in words what is open.
 */
export function securitySummary(config: TranslatorServerConfig): Record<string, unknown> {
  const warnings: string[] = [];
  if (!config.authTokensFile) {
    warnings.push(
      config.insecure
        ? `no auth tokens and --insecure: anyone who reaches ${config.host}:${config.port} may translate, train and manage models`
        : 'no auth tokens: listening on loopback only (give --auth-tokens, or --insecure, to listen elsewhere)',
    );
  }
  if (!config.tlsCertFile && !isLoopback(config.host)) warnings.push('no TLS: calls and tokens cross the network in plain text');
  return {
    tls: config.tlsCertFile ? (config.tlsClientCaFile ? 'mtls' : 'tls') : 'off',
    auth: config.authTokensFile ? 'tokens' : config.insecure ? 'insecure' : 'loopback-only',
    reflection: config.reflection,
    remoteTraining: config.trainingRoot ? `under ${config.trainingRoot}` : 'disabled',
    trainingQueue: config.natsUrl === undefined ? 'in-process' : 'nats',
    warnings,
  };
}
