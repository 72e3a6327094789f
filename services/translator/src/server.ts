import * as grpc from '@grpc/grpc-js';
import { initBackend } from '@sim2real/tensor';
import type { BackendInfo } from '@sim2real/tensor';
import { createLogger, startHttpEndpoint } from '@sim2real/telemetry';
import type { HttpEndpoint, Logger, MetricsHandler } from '@sim2real/telemetry';
import { DashboardGuard } from './http/access.js';
import { dashboardRoutes } from './http/dashboard.js';
import { ServingWindow } from './http/serving.js';
import { DashboardSessions } from './http/sessions.js';
import { accessInterceptor } from './access.js';
import type { AccessStats } from './access.js';
import { Authenticator, readAuthTokens } from './auth.js';
import { BatchStats } from './batch-stats.js';
import type { BatchCounts } from './batch-stats.js';
import { MicroBatcher } from './batcher.js';
import type { BatchReport } from './batcher.js';
import { CallTracker } from './calls.js';
import { isLoopback, resolveServerConfig } from './config.js';
import type { TranslatorServerConfig, TranslatorServerOptions } from './config.js';
import { HEALTH_SERVICES, createGrpcServer } from './grpc-server.js';
import { runInferenceBatch } from './inference.js';
import type { InferenceItem, InferenceOutput } from './inference.js';
import { ModelRegistry } from './registry.js';
import { ServerTelemetry } from './telemetry.js';
import { ReloadableCertificates } from './tls.js';
import { createTrainingJobs } from './training-jobs.js';
import { StreamRegistry } from './translate-handlers.js';

/** Counters for tests, benchmarks and logs. */
export interface TranslatorServerStats extends BatchCounts {
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

/** Builds the translator gRPC server (Translator + grpc.health.v1 + reflection) from its options; `start()` serves. */
export function createTranslatorServer(options: TranslatorServerOptions, hooks: TranslatorServerHooks = {}): TranslatorServer {
  const config = resolveServerConfig(options);
  const log = hooks.log ?? createLogger({ service: 'translator' });
  const telemetry = new ServerTelemetry();
  const serving = new ServingWindow(config.maxBatchSize);
  const batchStats = new BatchStats();
  const registry = new ModelRegistry({
    root: config.registryDir,
    defaultModel: config.defaultModel,
    rescanMs: config.registryRescanMs,
    maxLoaded: config.maxLoadedModels,
    engine: { engine: config.engine, threads: config.inferenceThreads },
    onLoad: (model, info) => log.info('model_loaded', { model, engine: info.kind, engineDescription: info.description, engineReason: info.reason }),
  });
  const onBatch = (report: BatchReport): void => {
    if (report.error === undefined) {
      const engine = registry.engineOf(report.key) ?? 'unknown';
      batchStats.record(report.size, engine);
      telemetry.recordBatch(report, engine);
      serving.record(report);
    } else {
      log.warn('batch_failed', { model: report.key, size: report.size, error: report.error instanceof Error ? report.error.message : 'unknown error' });
    }
    hooks.onBatch?.(report);
  };
  const batcher = new MicroBatcher<InferenceItem, InferenceOutput>(
    runInferenceBatch,
    { maxBatchSize: config.maxBatchSize, maxBatchDelayMs: config.maxBatchDelayMs, maxQueuedItems: config.maxQueuedImages },
    onBatch,
  );
  const jobs = createTrainingJobs(config, registry, log);
  const authenticator = config.authTokensFile === undefined ? undefined : new Authenticator(readAuthTokens(config.authTokensFile));
  const access: AccessStats = { unaryCalls: 0 };
  const tracker = new CallTracker();
  const streams = new StreamRegistry(config.maxConcurrentStreams);
  const translateDeps = {
    tracker,
    telemetry,
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
  const interceptor = accessInterceptor({ authenticator, maxConcurrentUnaryCalls: config.maxConcurrentUnaryCalls, log }, access);
  const { server, health } = createGrpcServer(config, interceptor, { translate: translateDeps, jobs, registry });
  telemetry.observe({ queuedImages: () => batcher.queued, activeCalls: () => tracker.active });
  let http: HttpEndpoint | undefined;
  let shuttingDown: Promise<void> | undefined;
  let certificates: ReloadableCertificates | undefined;

  const stats = (): TranslatorServerStats => ({ ...batchStats.snapshot(), queuedImages: batcher.queued, activeCalls: tracker.active, unaryCalls: access.unaryCalls });

  /** The dashboard, /metrics and the probes on the HTTP port, over HTTPS on the gRPC certificate when there is one. */
  const startDashboard = (port: number, backend: BackendInfo): Promise<HttpEndpoint> =>
    startHttpEndpoint({
      port,
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
        stats,
        engine: () => ({ engine: config.engine, backend: backend.name }),
        maxUploadBytes: config.maxMessageBytes,
        guard: new DashboardGuard(authenticator, new DashboardSessions()),
        secure: certificates !== undefined,
        log,
      }),
    });

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
      if (config.httpPort !== undefined) http = await startDashboard(config.httpPort, backend);
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
    stats,
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
