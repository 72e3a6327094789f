import { ConfigError, DEFAULT_SHUTDOWN_GRACE_MS, SERVER_ENV, createTranslatorServer, resolveServerConfig, securitySummary, serverOptionsFromEnv } from '@sim2real/translator';
import type { TranslatorServerConfig, TranslatorServerOptions } from '@sim2real/translator';
import { defineFlags } from '@sim2real/flags';
import type { BooleanFlag, FlagSpec, FlagTable, FlagValues, IntegerFlag, StringFlag } from '@sim2real/flags';
import { createLogger, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';
import { NATS_AUTH_FLAGS, VGG_FLAGS, natsAuth } from '../options.js';
import type { FlagRecord } from '../options.js';
import { BACKEND_FLAGS, ENGINE_FLAGS } from './shared.js';

/** A server option of its own flag; its variable comes from SERVER_ENV. */
type ServerOption = keyof typeof SERVER_ENV & keyof TranslatorServerConfig;

/** A flag that sets one server option: the option's variable and default are the server's, not repeated here. */
type ServerFlag = { readonly flag: string; readonly option: ServerOption } & (
  | Omit<IntegerFlag, 'env' | 'default'>
  | Omit<StringFlag, 'env' | 'default'>
  | Omit<BooleanFlag, 'env'>
);

/** The server's defaults: its configuration resolved from no options but the one it requires. */
const SERVER_DEFAULTS = resolveServerConfig({ registryDir: '.' });

/** The flags of `serve` that set one server option each, in --help order. */
const SERVER_FLAGS: readonly ServerFlag[] = [
  { flag: 'port', option: 'port', kind: 'integer', help: 'TCP port, 0 = any free one', max: 65535 },
  { flag: 'host', option: 'host', kind: 'string', value: 'ADDR', help: 'interface to bind', defaultText: '0.0.0.0 with --auth-tokens or --insecure, else 127.0.0.1' },
  { flag: 'auth-tokens', option: 'authTokensFile', kind: 'string', value: 'FILE', help: 'JSON array of {name, token_sha256, roles}' },
  { flag: 'insecure', option: 'insecure', kind: 'boolean', help: 'serve without tokens on any interface' },
  { flag: 'reflection', option: 'reflection', kind: 'boolean', help: 'serve gRPC server reflection' },
  { flag: 'tls-cert', option: 'tlsCertFile', kind: 'string', value: 'FILE', help: 'PEM certificate chain; TLS on' },
  { flag: 'tls-key', option: 'tlsKeyFile', kind: 'string', value: 'FILE', help: 'PEM private key of --tls-cert' },
  { flag: 'tls-client-ca', option: 'tlsClientCaFile', kind: 'string', value: 'FILE', help: 'PEM CA of client certificates: mTLS' },
  { flag: 'max-unary-calls', option: 'maxConcurrentUnaryCalls', kind: 'integer', help: 'unary calls in progress', min: 1 },
  {
    flag: 'http-port',
    option: 'httpPort',
    kind: 'integer',
    help: 'HTTP port of the web dashboard (/), Prometheus /metrics, /healthz and /readyz, 0 = any free one; HTTPS with --tls-cert, tokens as gRPC\'s with --auth-tokens',
    max: 65535,
  },
  { flag: 'registry', option: 'registryDir', kind: 'string', value: 'DIR', help: 'model registry folder, created if missing', required: true },
  { flag: 'default-model', option: 'defaultModel', kind: 'string', value: 'NAME', help: 'model for requests that name none: name, name@version, name@latest' },
  { flag: 'max-images', option: 'maxImagesPerRequest', kind: 'integer', help: 'images per request', min: 1 },
  { flag: 'max-pixels', option: 'maxPixelsPerImage', kind: 'integer', help: 'pixels per input image', min: 1 },
  { flag: 'max-message-bytes', option: 'maxMessageBytes', kind: 'integer', help: 'largest gRPC message', min: 1024 },
  { flag: 'max-streams', option: 'maxConcurrentStreams', kind: 'integer', help: 'open streaming calls', min: 1 },
  { flag: 'max-in-flight', option: 'maxInFlightPerStream', kind: 'integer', help: 'requests processed per stream before it is paused', min: 1 },
  { flag: 'max-batch', option: 'maxBatchSize', kind: 'integer', help: 'images per inference batch', min: 1 },
  { flag: 'max-batch-delay-ms', option: 'maxBatchDelayMs', kind: 'integer', help: 'wait for a batch to fill, in ms' },
  { flag: 'max-queued-images', option: 'maxQueuedImages', kind: 'integer', help: 'images waiting for inference', min: 1 },
  { flag: 'max-queued-jobs', option: 'maxQueuedJobs', kind: 'integer', help: 'training jobs waiting' },
  { flag: 'training-root', option: 'trainingRoot', kind: 'string', value: 'DIR', help: 'remote training reads only under DIR; off without it' },
  { flag: 'training-max-steps', option: 'trainingMaxSteps', kind: 'integer', help: 'steps of one job', min: 1 },
  { flag: 'training-max-size', option: 'trainingMaxImageSize', kind: 'integer', help: 'image size of one job', min: 8 },
  { flag: 'training-max-batch', option: 'trainingMaxBatchSize', kind: 'integer', help: 'batch of one job', min: 1 },
  { flag: 'training-max-wall-ms', option: 'trainingMaxWallTimeMs', kind: 'integer', help: 'wall time of one job, in ms', min: 1000 },
  { flag: 'max-running-jobs', option: 'maxRunningJobs', kind: 'integer', help: 'jobs running at once', min: 1 },
  { flag: 'training-memory-mb', option: 'trainingMemoryMb', kind: 'integer', help: "heap and wasm memory cap of a job's process", min: 256 },
  { flag: 'training-nice', option: 'trainingNice', kind: 'integer', help: "nice value 0-19 of a job's process" },
  { flag: 'nats', option: 'natsUrl', kind: 'string', value: 'URL', help: 'NATS server(s), comma-separated: training jobs shared by the replicas (above)', defaultText: 'none: jobs live in this process' },
  {
    flag: 'training-ack-wait-ms',
    option: 'trainingAckWaitMs',
    kind: 'integer',
    help: 'with --nats: a job whose replica stopped heartbeating is marked FAILED after this many ms',
    min: 300,
  },
];

/** A flag spec of SERVER_FLAGS: the option's variable, and (for an optional value) its default as the server resolves it. */
function serverFlagSpec({ flag: _flag, option, ...spec }: ServerFlag): FlagSpec {
  const env = SERVER_ENV[option];
  if (spec.kind === 'boolean' || spec.required) return { ...spec, env };
  const fallback = SERVER_DEFAULTS[option];
  return { defaultText: fallback === undefined ? undefined : String(fallback), ...spec, env };
}

/** The flags of `sim2real serve`. */
const SERVE_FLAGS = defineFlags({
  ...(Object.fromEntries(SERVER_FLAGS.map((entry) => [entry.flag, serverFlagSpec(entry)])) as FlagTable),
  ...VGG_FLAGS,
  ...BACKEND_FLAGS,
  ...ENGINE_FLAGS,
  'grace-ms': { kind: 'integer', help: 'graceful shutdown limit, in ms', env: 'SHUTDOWN_GRACE_MS', default: DEFAULT_SHUTDOWN_GRACE_MS },
  ...NATS_AUTH_FLAGS,
});

export const serveCommand: CommandSpec = defineCommand({
  name: 'serve',
  synopsis: '--port N --registry DIR [--default-model NAME] [options]',
  description: `Runs the translator gRPC server (sim2real.v1.Translator, grpc.health.v1, reflection with
--reflection): Translate / TranslateStream with micro-batching across calls, StartTraining /
WatchTraining / CancelTraining (each job in its own process, memory-capped), ListModels /
GetModel, and PromoteModel / AliasModel / DeleteModel. Models live in DIR/<name>/<version>/
(what 'sim2real train --out' writes); new versions are served without a restart, "name" is the
newest complete one. Each flag falls back to its environment variable, then to the default.
SIGINT/SIGTERM shut down gracefully (new calls UNAVAILABLE, in-flight calls finish); SIGHUP
re-reads the TLS certificates (a change of the files does too).

Security: with --auth-tokens every call but health needs "authorization: Bearer <token>" and
a role (translate < train < admin); without it the server listens on loopback only unless
--insecure is given. Remote training is off unless --training-root is given.

Replicas: with --nats, training jobs live in NATS JetStream and every replica on the same NATS
and registry folder shares them: any replica answers WatchTraining / CancelTraining, one runs
each job, and a job whose replica dies is marked FAILED after the ack wait.`,
  flags: SERVE_FLAGS,
  epilogue: `Examples:
  sim2real serve --port 50051 --registry models/ --default-model faces@latest
  sim2real serve --registry models/ --auth-tokens tokens.json --tls-cert server.pem \\
    --tls-key server.key --training-root /data/training`,
  run: runServe,
});

/** Flags over environment: a flag left out (a switch not given) leaves the variables' value, or the server's default. */
function serverOptions(flags: FlagValues<typeof SERVE_FLAGS>, env: NodeJS.ProcessEnv): TranslatorServerOptions {
  const values: FlagRecord = flags;
  const given: Partial<TranslatorServerOptions> = {
    ...Object.fromEntries(SERVER_FLAGS.map((entry) => [entry.option, values[entry.flag]])),
    vggDir: flags.vgg,
    backend: flags.backend,
    engine: flags.engine,
    inferenceThreads: flags.threads,
    natsAuth: natsAuth(flags, serveCommand.name),
  };
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined && value !== false));
  // registryDir is set: --registry (or REGISTRY_DIR) is required by the table.
  return { ...serverOptionsFromEnv(env), ...set } as TranslatorServerOptions;
}

async function runServe(flags: FlagValues<typeof SERVE_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  // Telemetry first: the server creates its instruments from the global providers.
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(ctx.env, 'sim2real-translator'), prometheus: true });
  const logger = createLogger({ service: 'translator', stream: ctx.stderr });
  try {
    let server: ReturnType<typeof createTranslatorServer>;
    try {
      server = createTranslatorServer(serverOptions(flags, ctx.env), {
        log: logger,
        metricsHandler: telemetry.metricsHandler,
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message, serveCommand.name);
      throw error;
    }
    ctx.stdout.write(`translator config: ${JSON.stringify(server.config)}\n`);
    const { port, backend, httpPort } = await server.start();
    const security = securitySummary(server.config);
    ctx.stdout.write(`translator listening on ${server.config.host}:${port} (backend ${backend.name}, ${backend.package}; engine ${server.config.engine}, ${server.config.inferenceThreads} inference threads)\n`);
    ctx.stdout.write(`translator security: TLS ${String(security.tls)}, access ${String(security.auth)}, remote training ${String(security.remoteTraining)}\n`);
    if (httpPort !== undefined) {
      // The dashboard shares the gRPC server's certificate and tokens (services/translator/src/http/access.ts).
      const scheme = server.config.tlsCertFile ? 'https' : 'http';
      const signIn = server.config.authTokensFile ? '; every route but /healthz and /readyz needs a token' : '';
      ctx.stdout.write(`dashboard on ${scheme}://${server.config.host}:${httpPort}/ (Prometheus metrics at /metrics${signIn})\n`);
    }
    for (const warning of security.warnings as string[]) ctx.stderr.write(`sim2real serve: warning: ${warning}\n`);
    const reload = (): void => void server.reloadCertificates();
    process.on('SIGHUP', reload);
    try {
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      process.off('SIGHUP', reload);
    }
    await server.shutdown(flags['grace-ms']);
    ctx.stdout.write('translator stopped\n');
    return 0;
  } finally {
    await telemetry.shutdown();
  }
}
