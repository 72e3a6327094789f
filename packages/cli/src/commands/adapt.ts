import { AdapterConfigError, adapterReadiness, createAdapter, parseRoute } from '@sim2real/dataset-adapter';
import type { Adapter } from '@sim2real/dataset-adapter';
import { createLogger, startHttpEndpoint, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { NATS_AUTH_HELP, NATS_OPTION, natsAuth, natsUrl, optionalInt, requireString } from '../options.js';
import { TRANSLATOR_ACCESS_OPTIONS, TRANSLATOR_ACCESS_USAGE, translatorAccess } from '../translator-access.js';

const USAGE = `Usage: sim2real adapt --translator HOST:PORT --route DATASET=MODEL[@VERSION] [--route ...] [options]

Runs the dataset adapter: consumes synthetic batches from sim2real.batches.synthetic.<DATASET>,
translates their images with MODEL on the translator, and publishes them with the same labels
and batch ids to sim2real.batches.adapted.<DATASET>. Bad batches go to
sim2real.batches.dead.<DATASET> with a reason header. Runs until SIGINT/SIGTERM, then finishes
(or releases) the batches in flight. Logs are JSON lines on stderr.

Options:
  --translator HOST:PORT   translator gRPC address (required)
${TRANSLATOR_ACCESS_USAGE}
  --route DATASET=MODEL    a dataset and the model that adapts it; repeatable (at least one)
  --max-in-flight N        batches processed at once per route (= MaxAckPending)   [default: 4]
  --max-deliver N          deliveries before a batch is dead-lettered              [default: 10]
  --ack-wait-ms N          consumer AckWait; in-progress acks every third of it    [default: 30000]
  --http-port N            serve Prometheus /metrics, /healthz and /readyz (ready = connected to
                           NATS and the translator) on this port, 0 = any free one  [default: none]
  --nats URL               NATS server                [default: NATS_URL, then nats://127.0.0.1:4222]
${NATS_AUTH_HELP}

Example:
  sim2real adapt --translator 127.0.0.1:50051 --route digits=mnist-m --route faces=faces@20250101
  sim2real adapt --translator translator:50051 --translator-ca ca.pem --token-file adapter.token --route faces=faces
`;

export const adaptCommand: CommandSpec = {
  name: 'adapt',
  usage: USAGE,
  options: {
    translator: { type: 'string' },
    route: { type: 'string', multiple: true },
    'max-in-flight': { type: 'string' },
    'max-deliver': { type: 'string' },
    'ack-wait-ms': { type: 'string' },
    'http-port': { type: 'string' },
    ...TRANSLATOR_ACCESS_OPTIONS,
    ...NATS_OPTION,
  },
  run: runAdapt,
};

async function runAdapt(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const translatorAddress = requireString(options, 'translator', 'adapt');
  const routeTexts = Array.isArray(options.route) ? options.route.filter((r): r is string => typeof r === 'string') : [];
  if (routeTexts.length === 0) throw new UsageError('At least one --route DATASET=MODEL[@VERSION] is required.', 'adapt');
  const logger = createLogger({ service: 'dataset-adapter', stream: ctx.stderr });
  const httpPort = optionalInt(options, 'http-port', 'adapt', { min: 0, max: 65535 });
  const access = await translatorAccess(options, ctx.env, 'adapt');
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(ctx.env, 'sim2real-dataset-adapter'), prometheus: true });
  let adapter: Adapter | undefined;
  const http = httpPort === undefined ? undefined : await startHttpEndpoint({ port: httpPort, metrics: telemetry.metricsHandler, ready: () => adapterReadiness(adapter) });
  if (http) ctx.stderr.write(`adapter metrics on http://0.0.0.0:${http.port}/metrics (/healthz, /readyz)\n`);
  try {
    try {
      adapter = await createAdapter({
        natsServers: natsUrl(options, ctx.env),
        natsAuth: natsAuth(options, ctx.env, 'adapt'),
        translatorAddress,
        translatorAccess: access,
        routes: routeTexts.map(parseRoute),
        maxBatchesInFlight: optionalInt(options, 'max-in-flight', 'adapt', { min: 1, max: 10_000 }),
        maxDeliver: optionalInt(options, 'max-deliver', 'adapt', { min: 1, max: 1000 }),
        ackWaitMs: optionalInt(options, 'ack-wait-ms', 'adapt', { min: 1000 }),
        logger,
      });
    } catch (error) {
      if (error instanceof AdapterConfigError) throw new UsageError(error.message, 'adapt');
      throw error;
    }
    const running = adapter;
    if (ctx.signal.aborted) await running.stop();
    else ctx.signal.addEventListener('abort', () => void running.stop(), { once: true });
    await running.closed();
    ctx.stdout.write(`${JSON.stringify({ event: 'adapter.summary', ...running.stats() })}\n`);
    return 0;
  } finally {
    await http?.close();
    await telemetry.shutdown();
  }
}
