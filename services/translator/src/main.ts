/*
 * Container entry point: the only place that reads the environment (variables: README.md, SERVER_ENV).
 * SIGTERM/SIGINT start a graceful shutdown; a second signal exits at once.
 */
import { createTranslatorServer } from './server.js';
import { serverOptionsFromEnv } from './config.js';
import type { TranslatorServerOptions } from './config.js';

const options = serverOptionsFromEnv(process.env);
const server = createTranslatorServer({ ...options, registryDir: options.registryDir ?? '' } satisfies TranslatorServerOptions);
const graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 25_000);
process.stdout.write(`${JSON.stringify({ event: 'config', service: 'translator', ...server.config })}\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stdout.write(`${JSON.stringify({ event: 'signal', signal })}\n`);
  server.shutdown(graceMs).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`translator: shutdown failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

await server.start();
