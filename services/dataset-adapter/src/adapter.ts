import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { trace } from '@opentelemetry/api';
import { connectNats, provisionStreams, serverFeatures, type ServerFeatures } from '@sim2real/messaging';
import { resolveAdapterConfig, type AdapterConfig, type AdapterOptions } from './config.js';
import { RouteConsumers } from './consumers.js';
import { AdapterLifecycle } from './lifecycle.js';
import { AdapterMetrics, type AdapterStats } from './metrics.js';
import { RouteRunner } from './route-runner.js';
import { TranslateStreamClient } from './translator-client.js';

/** A running dataset adapter. */
export interface Adapter {
  readonly config: AdapterConfig;
  /** Version of the NATS server at start-up. */
  readonly serverVersion: string;
  stats(): AdapterStats;
  /** Readiness (the adapter's `/readyz`): connected to NATS and to the translator, and not stopping; `true` or why not. */
  readiness(): { nats: true | string; translator: true | string };
  /** Stops pulling, lets in-flight batches finish (releasing them after `stopTimeoutMs`), closes connections. */
  stop(): Promise<void>;
  /**
   * Resolves when the adapter has stopped (after `stop()`, or after the NATS connection closed for good); rejects
   * with NatsPermissionError when it stopped because NATS denied it a permission.
   */
  closed(): Promise<void>;
}

/**
 * Connects to NATS, provisions the streams and one durable pull consumer per route, and starts adapting
 * batches (see handleBatch). Rejects with the first start-up error.
 */
export async function createAdapter(options: AdapterOptions): Promise<Adapter> {
  const config = resolveAdapterConfig(options);
  const nc = await connectNats({ servers: config.natsServers, name: 'sim2real-dataset-adapter', auth: config.natsAuth });
  try {
    return await startOn(nc, config);
  } catch (error) {
    await nc.close();
    config.logger.error('adapter.start_failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** Provisions streams and consumers on `nc`, starts one RouteRunner per route, and returns the running adapter. */
async function startOn(nc: NatsConnection, config: AdapterConfig): Promise<Adapter> {
  const serverVersion = nc.info?.version ?? 'unknown';
  const features = serverFeatures(serverVersion);
  logServer(nc, config, features);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await provisionStreams(jsm, config.streams);
  const metrics = new AdapterMetrics();
  const translator = translatorClient(config);
  const consumers = await RouteConsumers.provision(nc, jsm, config, metrics);
  const lifecycle = new AdapterLifecycle({ config, nc, translator, consumers, metrics });
  const shared = {
    config,
    js,
    translator,
    tracer: trace.getTracer('sim2real.dataset-adapter'),
    metrics,
    maxPayloadBytes: () => nc.info?.max_payload ?? 1024 * 1024,
    features,
  };
  lifecycle.start(config.routes.map((route) => new RouteRunner(route, shared, lifecycle)));
  config.logger.info('adapter.started', {
    routes: config.routes.map((r) => `${r.dataset}=${r.model}`),
    maxBatchesInFlight: config.maxBatchesInFlight,
    translator: config.translatorAddress,
  });
  return {
    config,
    serverVersion,
    stats: () => metrics.stats(),
    readiness: () => ({
      nats: lifecycle.stopping ? 'stopping' : nc.isClosed() ? 'connection closed' : true,
      translator: lifecycle.stopping ? 'stopping' : translator.connected() ? true : `not connected to ${config.translatorAddress}`,
    }),
    stop: () => lifecycle.stop(),
    closed: () => lifecycle.closed(),
  };
}

/** The translator client with the adapter's stream, split and keepalive settings. */
function translatorClient(config: AdapterConfig): TranslateStreamClient {
  return new TranslateStreamClient(config.translatorAddress, {
    access: config.translatorAccess,
    reconnectBaseDelayMs: config.reconnectBaseDelayMs,
    reconnectMaxDelayMs: config.reconnectMaxDelayMs,
    requestTimeoutMs: config.translateTimeoutMs,
    maxReceiveMessageBytes: config.maxReceiveMessageBytes,
    streamsPerModel: config.translatorStreams,
    maxImagesPerRequest: config.maxImagesPerRequest,
    maxRequestBytes: config.maxRequestBytes,
    requestsInFlightPerBatch: config.requestsInFlightPerBatch,
    keepaliveTimeMs: config.keepaliveTimeMs,
    keepaliveTimeoutMs: config.keepaliveTimeoutMs,
  });
}

/** The `nats.connected` line: the server, its payload limit and what its version allows. */
function logServer(nc: NatsConnection, config: AdapterConfig, features: ServerFeatures): void {
  const version = nc.info?.version ?? 'unknown';
  config.logger.info('nats.connected', {
    server: nc.getServer(),
    version,
    maxPayloadBytes: nc.info?.max_payload,
    consumers: features.multiFilterConsumers
      ? 'server ≥ 2.10 would allow one multi-filter consumer; keeping one consumer per dataset (works on 2.9 too)'
      : `server ${version} < 2.10 has no multi-filter consumers: one durable consumer per dataset`,
    terminate: features.termWithReason
      ? 'term with reason (server ≥ 2.10.4); the reason is also in the dead copy\'s headers'
      : `plain term (server ${version} < 2.10.4 redelivers a message termed with a reason); the reason is in the dead copy's headers`,
  });
}
