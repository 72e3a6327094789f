import { readTranslatorAccess, translatorAccessFromEnv } from '@sim2real/client';
import { natsAuthFromEnv } from '@sim2real/messaging';
import { createLogger, parseLogLevel, startHttpEndpoint, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { createAdapter, type Adapter } from './adapter.js';
import { adapterReadiness } from './readiness.js';
import { parseRoute, type AdapterOptions } from './config.js';

/** Container entry point: configuration from the environment (see README.md), SIGTERM/SIGINT stop cleanly. */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(env, 'sim2real-dataset-adapter'), prometheus: true });
  const number = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
  // SIM2REAL_HTTP_PORT: /metrics, /healthz, /readyz (ready once connected to NATS and the translator).
  const started: { adapter?: Adapter } = {};
  const httpPort = number('SIM2REAL_HTTP_PORT');
  const http = httpPort === undefined ? undefined : await startHttpEndpoint({ port: httpPort, metrics: telemetry.metricsHandler, ready: () => adapterReadiness(started.adapter) });
  const options: AdapterOptions = {
    logger: createLogger({ service: 'dataset-adapter', stream: process.stderr, level: parseLogLevel(env.LOG_LEVEL ?? 'info') }),
    natsServers: (env.NATS_URL || 'nats://127.0.0.1:4222').split(','),
    natsAuth: natsAuthFromEnv(env),
    translatorAddress: env.SIM2REAL_TRANSLATOR || '127.0.0.1:50051',
    // SIM2REAL_TRANSLATOR_CA / _CERT / _KEY, SIM2REAL_TOKEN_FILE or SIM2REAL_TOKEN.
    translatorAccess: await readTranslatorAccess(translatorAccessFromEnv(env)),
    translatorStreams: number('SIM2REAL_TRANSLATOR_STREAMS'),
    routes: (env.SIM2REAL_ROUTES ?? '').split(/[\s,]+/).filter(Boolean).map(parseRoute),
    maxBatchesInFlight: number('SIM2REAL_MAX_BATCHES_IN_FLIGHT'),
    ackWaitMs: number('SIM2REAL_ACK_WAIT_MS'),
    maxDeliver: number('SIM2REAL_MAX_DELIVER'),
    translateTimeoutMs: number('SIM2REAL_TRANSLATE_TIMEOUT_MS'),
    stopTimeoutMs: number('SIM2REAL_STOP_TIMEOUT_MS'),
    streams: {
      duplicateWindowMs: number('SIM2REAL_DUPLICATE_WINDOW_MS'),
      maxAgeMs: number('SIM2REAL_STREAM_MAX_AGE_MS'),
      maxBytes: number('SIM2REAL_STREAM_MAX_BYTES'),
      replicas: number('SIM2REAL_STREAM_REPLICAS'),
    },
  };
  const adapter = await createAdapter(options);
  started.adapter = adapter;
  const stop = (): void => {
    void adapter.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await adapter.closed();
  await http?.close();
  await telemetry.shutdown();
}

main(process.env).catch((error: unknown) => {
  process.stderr.write(`dataset-adapter: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
