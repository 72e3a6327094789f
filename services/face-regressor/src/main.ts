import { natsAuthFromEnv } from '@sim2real/messaging';
import { initBackend, type BackendChoice } from '@sim2real/tensor';
import { parseLogLevel, startHttpEndpoint, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { jsonLineLogger, resolveRegressorServiceConfig, type BatchSource } from './config.js';
import { createRegressor } from './regressor.js';
import { prepareTestSet } from './test-set.js';

/** Container entry point: configuration from the environment (see README.md); SIGTERM/SIGINT stop cleanly. */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(env, 'sim2real-face-regressor'), prometheus: true });
  const number = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
  // SIM2REAL_HTTP_PORT: Prometheus /metrics and /healthz.
  const httpPort = number('SIM2REAL_HTTP_PORT');
  const http = httpPort === undefined ? undefined : await startHttpEndpoint({ port: httpPort, metrics: telemetry.metricsHandler });
  await initBackend({ backend: (env.TFJS_BACKEND || 'auto') as BackendChoice });
  const config = resolveRegressorServiceConfig({
    logger: jsonLineLogger(process.stderr, parseLogLevel(env.LOG_LEVEL ?? 'info')),
    natsServers: env.NATS_URL || undefined,
    natsAuth: natsAuthFromEnv(env),
    dataset: env.REGRESSOR_DATASET ?? '',
    source: (env.REGRESSOR_SOURCE || undefined) as BatchSource | undefined,
    consumerName: env.REGRESSOR_CONSUMER || undefined,
    checkpointDir: env.REGRESSOR_CHECKPOINT_DIR || undefined,
    evalEverySteps: number('REGRESSOR_EVAL_EVERY_STEPS'),
    checkpointEverySteps: number('REGRESSOR_CHECKPOINT_EVERY_STEPS'),
    stepsPerBatch: number('REGRESSOR_STEPS_PER_BATCH'),
    maxBatches: number('REGRESSOR_MAX_BATCHES'),
    regressor: { imageSize: number('REGRESSOR_IMAGE_SIZE'), outputs: number('REGRESSOR_OUTPUTS'), batchSize: number('REGRESSOR_BATCH_SIZE') },
  });
  const test = await prepareTestSet({
    dir: env.REGRESSOR_TEST_DIR || undefined,
    count: number('REGRESSOR_TEST_COUNT') ?? 200,
    size: config.regressor.imageSize,
    outputs: config.regressor.outputs,
    photosDir: env.SIM2REAL_PHOTOS_DIR || undefined,
  });
  const regressor = await createRegressor(config, { test });
  const stop = (): void => {
    void regressor.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await regressor.done;
  await http?.close();
  await telemetry.shutdown();
}

main(process.env).catch((error: unknown) => {
  process.stderr.write(`face-regressor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
