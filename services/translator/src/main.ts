/*
 * Container entry point and the only place that reads the environment (variables: README.md, SERVER_ENV).
 * SIGTERM/SIGINT start a graceful shutdown; a second signal exits at once. SIGHUP re-reads the TLS certificates.
 */
import { NatsConnectError, NatsOptionsError } from '@sim2real/messaging';
import { createLogger, parseLogLevel, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { serverOptionsFromEnv } from './config.js';
import { ConfigError } from './errors.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, createTranslatorServer } from './server.js';

function fail(message: string): never {
  process.stderr.write(`translator: ${message}\n`);
  process.exit(2);
}

const env = process.env;
const graceMs = Number(env.SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS);
if (!Number.isInteger(graceMs) || graceMs < 0) fail(`SHUTDOWN_GRACE_MS must be a non-negative integer, got "${env.SHUTDOWN_GRACE_MS}".`);

// Telemetry first: the server creates its instruments from the global providers.
const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(env, 'sim2real-translator'), prometheus: true });
let server: ReturnType<typeof createTranslatorServer>;
try {
  const logger = createLogger({ service: 'translator', level: parseLogLevel(env.LOG_LEVEL ?? 'info') });
  const options = serverOptionsFromEnv(env);
  server = createTranslatorServer(
    { ...options, registryDir: options.registryDir ?? '' },
    { log: logger, metricsHandler: telemetry.metricsHandler },
  );
} catch (error) {
  if (error instanceof RangeError) fail(error.message);
  if (error instanceof ConfigError) fail(error.message.replace('registryDir (the model registry folder)', 'REGISTRY_DIR'));
  throw error;
}
process.stdout.write(`${JSON.stringify({ event: 'config', service: 'translator', ...server.config, shutdownGraceMs: graceMs })}\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stdout.write(`${JSON.stringify({ event: 'signal', service: 'translator', signal })}\n`);
  server
    .shutdown(graceMs)
    .then(() => telemetry.shutdown())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`translator: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', () => void server.reloadCertificates());

try {
  await server.start();
} catch (error) {
  // NATS (SIM2REAL_NATS_URL) unreachable, refusing the credentials, or a credentials file that cannot be read.
  if (error instanceof NatsConnectError || error instanceof NatsOptionsError) fail(error.message);
  throw error;
}
