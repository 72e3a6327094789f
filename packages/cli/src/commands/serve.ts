import { ConfigError, createTranslatorServer, securitySummary, serverOptionsFromEnv } from '@sim2real/translator';
import type { TranslatorServerOptions } from '@sim2real/translator';
import { createLogger, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { NATS_AUTH_HELP, NATS_OPTION, natsAuth, optionalInt, optionalString, vggDir } from '../options.js';
import { ENGINE_OPTIONS, backendChoice, engineOptions } from './shared.js';

const USAGE = `Usage: sim2real serve --port N --registry DIR [--default-model NAME] [options]

Runs the translator gRPC server (sim2real.v1.Translator, grpc.health.v1, reflection with
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

Options:
  --port N                  TCP port, 0 = any free one (PORT)                    [default: 50051]
  --host ADDR               interface to bind (HOST)   [default: 0.0.0.0 with --auth-tokens or
                            --insecure, else 127.0.0.1]
  --auth-tokens FILE        JSON array of {name, token_sha256, roles} (SIM2REAL_AUTH_TOKENS)
  --insecure                serve without tokens on any interface (SIM2REAL_INSECURE)
  --reflection              serve gRPC server reflection (SIM2REAL_REFLECTION)
  --tls-cert FILE           PEM certificate chain; TLS on (SIM2REAL_TLS_CERT)
  --tls-key FILE            PEM private key of --tls-cert (SIM2REAL_TLS_KEY)
  --tls-client-ca FILE      PEM CA of client certificates: mTLS (SIM2REAL_TLS_CLIENT_CA)
  --max-unary-calls N       unary calls in progress (MAX_CONCURRENT_UNARY_CALLS)   [default: 256]
  --http-port N             HTTP port of the web dashboard (/), Prometheus /metrics, /healthz
                            and /readyz, 0 = any free one (SIM2REAL_HTTP_PORT); HTTPS with
                            --tls-cert, tokens as gRPC's with --auth-tokens      [default: none]
  --registry DIR            model registry folder, created if missing (REGISTRY_DIR)   (required)
  --default-model NAME      model for requests that name none: name, name@version,
                            name@latest (DEFAULT_MODEL)                          [default: none]
  --max-images N            images per request (MAX_IMAGES_PER_REQUEST)          [default: 64]
  --max-pixels N            pixels per input image (MAX_PIXELS_PER_IMAGE)        [default: 4194304]
  --max-message-bytes N     largest gRPC message (MAX_MESSAGE_BYTES)             [default: 16777216]
  --max-streams N           open streaming calls (MAX_CONCURRENT_STREAMS)        [default: 64]
  --max-in-flight N         requests processed per stream before it is paused
                            (MAX_IN_FLIGHT_PER_STREAM)                           [default: 8]
  --max-batch N             images per inference batch (MAX_BATCH_SIZE)          [default: 16]
  --max-batch-delay-ms N    wait for a batch to fill (MAX_BATCH_DELAY_MS)        [default: 5]
  --max-queued-images N     images waiting for inference (MAX_QUEUED_IMAGES)     [default: 1024]
  --max-queued-jobs N       training jobs waiting (MAX_QUEUED_JOBS)              [default: 16]
  --training-root DIR       remote training reads only under DIR; off without it
                            (SIM2REAL_TRAINING_ROOT)
  --training-max-steps N    steps of one job (TRAINING_MAX_STEPS)                [default: 20000]
  --training-max-size N     image size of one job (TRAINING_MAX_IMAGE_SIZE)      [default: 256]
  --training-max-batch N    batch of one job (TRAINING_MAX_BATCH_SIZE)           [default: 64]
  --training-max-wall-ms N  wall time of one job (TRAINING_MAX_WALL_TIME_MS)     [default: 21600000]
  --max-running-jobs N      jobs running at once (MAX_RUNNING_JOBS)              [default: 1]
  --training-memory-mb N    heap and wasm memory cap of a job's process
                            (TRAINING_MEMORY_MB)                                 [default: 4096]
  --training-nice N         nice value 0-19 of a job's process (TRAINING_NICE)   [default: 10]
  --vgg DIR                 VGG-19 weights for training jobs (SIM2REAL_VGG_DIR)
  --backend NAME            auto | tensorflow-gpu | tensorflow | wasm | cpu (TFJS_BACKEND)
  --engine NAME             auto | onnx | tfjs: auto serves versions that have a current
                            model.onnx on onnxruntime-node, the others on tfjs (SIM2REAL_ENGINE) [default: auto]
  --threads N               onnxruntime-node threads per loaded version
                            (SIM2REAL_INFERENCE_THREADS)                         [default: the cores available]
  --grace-ms N              graceful shutdown limit (SHUTDOWN_GRACE_MS)           [default: 25000]

Replicas: with --nats, training jobs live in NATS JetStream and every replica on the same NATS
and registry folder shares them: any replica answers WatchTraining / CancelTraining, one runs
each job, and a job whose replica dies is marked FAILED after the ack wait.
  --nats URL                NATS server(s), comma-separated (SIM2REAL_NATS_URL)
                                                  [default: none: jobs live in this process]
  --training-ack-wait-ms N  a job whose replica stopped heartbeating is marked FAILED after
                            this (TRAINING_ACK_WAIT_MS)                          [default: 30000]
${NATS_AUTH_HELP}

Examples:
  sim2real serve --port 50051 --registry models/ --default-model faces@latest
  sim2real serve --registry models/ --auth-tokens tokens.json --tls-cert server.pem \\
    --tls-key server.key --training-root /data/training
`;

export const serveCommand: CommandSpec = {
  name: 'serve',
  usage: USAGE,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'http-port': { type: 'string' },
    registry: { type: 'string' },
    'default-model': { type: 'string' },
    'max-images': { type: 'string' },
    'max-pixels': { type: 'string' },
    'max-message-bytes': { type: 'string' },
    'max-streams': { type: 'string' },
    'max-in-flight': { type: 'string' },
    'max-batch': { type: 'string' },
    'max-batch-delay-ms': { type: 'string' },
    'max-queued-images': { type: 'string' },
    'max-queued-jobs': { type: 'string' },
    'training-root': { type: 'string' },
    'training-max-steps': { type: 'string' },
    'training-max-size': { type: 'string' },
    'training-max-batch': { type: 'string' },
    'training-max-wall-ms': { type: 'string' },
    'max-running-jobs': { type: 'string' },
    'training-memory-mb': { type: 'string' },
    'training-nice': { type: 'string' },
    'auth-tokens': { type: 'string' },
    insecure: { type: 'boolean' },
    reflection: { type: 'boolean' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-client-ca': { type: 'string' },
    'max-unary-calls': { type: 'string' },
    vgg: { type: 'string' },
    backend: { type: 'string' },
    'grace-ms': { type: 'string' },
    'training-ack-wait-ms': { type: 'string' },
    ...NATS_OPTION,
    ...ENGINE_OPTIONS,
  },
  run: runServe,
};

/** Flags over environment; undefined flags leave the environment's (or the default) value. */
function serverOptions(options: ParsedOptions, env: NodeJS.ProcessEnv): TranslatorServerOptions {
  const name = serveCommand.name;
  const int = (flag: string, min = 0): number | undefined => optionalInt(options, flag, name, { min });
  const flags: Partial<TranslatorServerOptions> = {
    port: int('port'),
    host: optionalString(options, 'host'),
    httpPort: int('http-port'),
    registryDir: optionalString(options, 'registry'),
    defaultModel: optionalString(options, 'default-model'),
    maxImagesPerRequest: int('max-images', 1),
    maxPixelsPerImage: int('max-pixels', 1),
    maxMessageBytes: int('max-message-bytes', 1024),
    maxConcurrentStreams: int('max-streams', 1),
    maxInFlightPerStream: int('max-in-flight', 1),
    maxBatchSize: int('max-batch', 1),
    maxBatchDelayMs: int('max-batch-delay-ms'),
    maxQueuedImages: int('max-queued-images', 1),
    maxQueuedJobs: int('max-queued-jobs'),
    trainingRoot: optionalString(options, 'training-root'),
    trainingMaxSteps: int('training-max-steps', 1),
    trainingMaxImageSize: int('training-max-size', 8),
    trainingMaxBatchSize: int('training-max-batch', 1),
    trainingMaxWallTimeMs: int('training-max-wall-ms', 1000),
    maxRunningJobs: int('max-running-jobs', 1),
    trainingMemoryMb: int('training-memory-mb', 256),
    trainingNice: int('training-nice'),
    authTokensFile: optionalString(options, 'auth-tokens'),
    insecure: options.insecure === true ? true : undefined,
    reflection: options.reflection === true ? true : undefined,
    tlsCertFile: optionalString(options, 'tls-cert'),
    tlsKeyFile: optionalString(options, 'tls-key'),
    tlsClientCaFile: optionalString(options, 'tls-client-ca'),
    maxConcurrentUnaryCalls: int('max-unary-calls', 1),
    vggDir: vggDir(options, env),
    natsUrl: optionalString(options, 'nats'),
    natsAuth: natsAuth(options, env, name),
    trainingAckWaitMs: int('training-ack-wait-ms', 300),
    backend: backendChoice(optionalString(options, 'backend') ?? env.TFJS_BACKEND, name),
    // Flags only here: serverOptionsFromEnv reads SIM2REAL_ENGINE and SIM2REAL_INFERENCE_THREADS.
    ...renameThreads(engineOptions(options, {}, name)),
  };
  const fromEnv = serverOptionsFromEnv(env);
  const merged = { ...fromEnv, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
  if (!merged.registryDir) throw new UsageError('--registry is required (or set REGISTRY_DIR).', name);
  return { ...merged, registryDir: merged.registryDir };
}

function renameThreads({ engine, threads }: ReturnType<typeof engineOptions>): Pick<TranslatorServerOptions, 'engine' | 'inferenceThreads'> {
  return { engine, inferenceThreads: threads };
}

async function runServe(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const graceMs = optionalInt(options, 'grace-ms', serveCommand.name) ?? Number(ctx.env.SHUTDOWN_GRACE_MS ?? 25_000);
  // Telemetry first: the server creates its instruments from the global providers.
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(ctx.env, 'sim2real-translator'), prometheus: true });
  const logger = createLogger({ service: 'translator', stream: ctx.stderr });
  try {
    let server: ReturnType<typeof createTranslatorServer>;
    try {
      server = createTranslatorServer(serverOptions(options, ctx.env), {
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
    await server.shutdown(graceMs);
    ctx.stdout.write('translator stopped\n');
    return 0;
  } finally {
    await telemetry.shutdown();
  }
}
