import { AdapterConfigError, adapterReadiness, createAdapter, parseRoute, resolveAdapterConfig } from '@sim2real/dataset-adapter';
import type { Adapter } from '@sim2real/dataset-adapter';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import { createLogger, startHttpEndpoint, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';
import { NATS_FLAGS, natsAuth } from '../options.js';
import { TRANSLATOR_ACCESS_FLAGS, translatorAccess } from '../translator-access.js';

/** The adapter's defaults: its configuration resolved from no options but the ones it requires. */
const ADAPTER_DEFAULTS = resolveAdapterConfig({ natsServers: 'nats://defaults', translatorAddress: 'defaults:0', routes: [{ dataset: 'defaults', model: 'defaults' }] });

/** The flags of `sim2real adapt`. */
const ADAPT_FLAGS = defineFlags({
  translator: { kind: 'string', value: 'HOST:PORT', help: 'translator gRPC address', required: true },
  ...TRANSLATOR_ACCESS_FLAGS,
  route: { kind: 'repeatable-string', value: 'DATASET=MODEL[@VERSION]', help: 'a dataset and the model that adapts it', required: true },
  'max-in-flight': { kind: 'integer', help: 'batches processed at once per route (= MaxAckPending)', default: ADAPTER_DEFAULTS.maxBatchesInFlight, min: 1, max: 10_000 },
  'max-deliver': { kind: 'integer', help: 'deliveries before a batch is dead-lettered', default: ADAPTER_DEFAULTS.maxDeliver, min: 1, max: 1000 },
  'ack-wait-ms': { kind: 'integer', help: 'consumer AckWait in ms; in-progress acks every third of it', default: ADAPTER_DEFAULTS.ackWaitMs, min: 1000 },
  'http-port': {
    kind: 'integer',
    help: 'serve Prometheus /metrics, /healthz and /readyz (ready = connected to NATS and the translator) on this port, 0 = any free one',
    max: 65535,
  },
  ...NATS_FLAGS,
});

export const adaptCommand: CommandSpec = defineCommand({
  name: 'adapt',
  synopsis: '--translator HOST:PORT --route DATASET=MODEL[@VERSION] [--route ...] [options]',
  description: `Runs the dataset adapter: consumes synthetic batches from sim2real.batches.synthetic.<DATASET>,
translates their images with MODEL on the translator, and publishes them with the same labels
and batch ids to sim2real.batches.adapted.<DATASET>. Bad batches go to
sim2real.batches.dead.<DATASET> with a reason header. Runs until SIGINT/SIGTERM, then finishes
(or releases) the batches in flight. Logs are JSON lines on stderr.`,
  flags: ADAPT_FLAGS,
  epilogue: `Example:
  sim2real adapt --translator 127.0.0.1:50051 --route digits=mnist-m --route faces=faces@20250101
  sim2real adapt --translator translator:50051 --translator-ca ca.pem --token-file adapter.token --route faces=faces`,
  run: runAdapt,
});

async function runAdapt(flags: FlagValues<typeof ADAPT_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const httpPort = flags['http-port'];
  const logger = createLogger({ service: 'dataset-adapter', stream: ctx.stderr });
  const access = await translatorAccess(flags, ctx.env, 'adapt');
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv(ctx.env, 'sim2real-dataset-adapter'), prometheus: true });
  let adapter: Adapter | undefined;
  const http = httpPort === undefined ? undefined : await startHttpEndpoint({ port: httpPort, metrics: telemetry.metricsHandler, ready: () => adapterReadiness(adapter) });
  if (http) ctx.stderr.write(`adapter metrics on http://0.0.0.0:${http.port}/metrics (/healthz, /readyz)\n`);
  try {
    try {
      adapter = await createAdapter({
        natsServers: flags.nats,
        natsAuth: natsAuth(flags, 'adapt'),
        translatorAddress: flags.translator,
        translatorAccess: access,
        routes: flags.route.map(parseRoute),
        maxBatchesInFlight: flags['max-in-flight'],
        maxDeliver: flags['max-deliver'],
        ackWaitMs: flags['ack-wait-ms'],
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
