import { setMaxListeners } from 'node:events';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { trace } from '@opentelemetry/api';
import {
  SYNTHETIC_STREAM,
  connectNats,
  consumerName,
  datasetOfSubject,
  maxDeliveriesAdvisory,
  parseMaxDeliveriesAdvisory,
  provisionConsumer,
  provisionStreams,
  publishDeadLetter,
  serverFeatures,
  type NatsPermissionError,
} from '@sim2real/messaging';
import { CircuitBreaker } from './breaker.js';
import { resolveAdapterConfig, type AdapterConfig, type AdapterOptions, type Route } from './config.js';
import { handleBatch, type BatchContext, type BatchOutcome } from './handle-batch.js';
import { AdapterMetrics, type AdapterStats } from './metrics.js';
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
  const log = config.logger;
  const nc = await connectNats({ servers: config.natsServers, name: 'sim2real-dataset-adapter', auth: config.natsAuth });
  try {
    return await startOn(nc, config);
  } catch (error) {
    await nc.close();
    log('adapter.start_failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

async function startOn(nc: NatsConnection, config: AdapterConfig): Promise<Adapter> {
  const log = config.logger;
  const serverVersion = nc.info?.version ?? 'unknown';
  const features = serverFeatures(serverVersion);
  log('nats.connected', {
    server: nc.getServer(),
    version: serverVersion,
    maxPayloadBytes: nc.info?.max_payload,
    consumers: features.multiFilterConsumers
      ? 'server ≥ 2.10 would allow one multi-filter consumer; keeping one consumer per dataset (works on 2.9 too)'
      : `server ${serverVersion} < 2.10 has no multi-filter consumers: one durable consumer per dataset`,
    terminate: features.termWithReason
      ? 'term with reason (server ≥ 2.10.4); the reason is also in the dead copy\'s headers'
      : `plain term (server ${serverVersion} < 2.10.4 redelivers a message termed with a reason); the reason is in the dead copy's headers`,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await provisionStreams(jsm, config.streams);
  const metrics = new AdapterMetrics();
  const translator = new TranslateStreamClient(config.translatorAddress, {
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
  const tracer = trace.getTracer('sim2real.dataset-adapter');
  const hardStop = new AbortController();
  const draining = new AbortController();
  let fatalError: NatsPermissionError | undefined;
  // Every batch in flight listens to it (through its translation): bounded, not a leak.
  setMaxListeners(config.maxBatchesInFlight * config.routes.length + 1, hardStop.signal);
  setMaxListeners(config.maxBatchesInFlight * config.routes.length + 1, draining.signal);
  const inFlight = new Set<Promise<BatchOutcome>>();
  const iterators: ConsumerMessages[] = [];
  const advisories: Subscription[] = [];
  let stopping = false;

  const consumers = new Map<string, string>();
  for (const route of config.routes) {
    const name = await provisionConsumer(jsm, route.dataset, {
      ackWaitMs: config.ackWaitMs,
      maxDeliver: noVerdictMaxDeliver(config.maxDeliver),
      maxAckPending: config.maxBatchesInFlight,
    });
    consumers.set(route.dataset, name);
    advisories.push(
      nc.subscribe(maxDeliveriesAdvisory(SYNTHETIC_STREAM, name), {
        callback: (_error, msg) => void moveMaxDelivered(jsm, msg.data, config, metrics),
      }),
    );
  }

  const runRoute = async (route: Route): Promise<void> => {
    const consumer = await js.consumers.get(SYNTHETIC_STREAM, consumerName(route.dataset));
    const messages = await consumer.consume({ max_messages: config.maxBatchesInFlight });
    iterators.push(messages);
    const ctx: BatchContext = {
      config,
      route,
      js,
      translator,
      breaker: new CircuitBreaker({ baseDelayMs: config.breakerBaseDelayMs, maxDelayMs: config.breakerMaxDelayMs, jitter: config.breakerJitter }),
      tracer,
      metrics,
      maxPayloadBytes: () => nc.info?.max_payload ?? 1024 * 1024,
      features,
      drainSignal: draining.signal,
      stopSignal: hardStop.signal,
      fatal: (error) => {
        if (fatalError) return;
        fatalError = error;
        log('nats.permission_denied', { dataset: route.dataset, subject: error.subject, error: error.message });
        void stop();
      },
    };
    const routeInFlight = new Set<Promise<unknown>>();
    for await (const msg of messages) {
      if (stopping) {
        msg.nak();
        continue;
      }
      // The consumer's MaxAckPending already bounds this; the wait covers messages buffered before a restart.
      while (routeInFlight.size >= config.maxBatchesInFlight) await Promise.race(routeInFlight);
      const work = handleOne(msg, ctx);
      routeInFlight.add(work);
      inFlight.add(work);
      void work.finally(() => {
        routeInFlight.delete(work);
        inFlight.delete(work);
      });
    }
  };

  const handleOne = async (msg: JsMsg, ctx: BatchContext): Promise<BatchOutcome> => {
    try {
      return await handleBatch(msg, ctx);
    } catch (error) {
      // handleBatch settles every batch itself; this is a bug or a closed connection: release and go on.
      log('batch.error', { subject: msg.subject, error: error instanceof Error ? error.message : String(error) });
      try {
        msg.nak(config.retryBaseDelayMs);
      } catch {
        // connection gone: the server redelivers after AckWait
      }
      return 'retry';
    }
  };

  const routesDone = Promise.all(
    config.routes.map((route) =>
      runRoute(route).catch((error: unknown) => {
        log('route.failed', { dataset: route.dataset, error: error instanceof Error ? error.message : String(error) });
      }),
    ),
  );

  const lagTimer = setInterval(() => {
    for (const [dataset, name] of consumers) {
      jsm.consumers.info(SYNTHETIC_STREAM, name).then(
        (info) => metrics.setLag(dataset, info.num_pending),
        () => undefined,
      );
    }
  }, config.lagPollIntervalMs);
  lagTimer.unref();

  log('adapter.started', {
    routes: config.routes.map((r) => `${r.dataset}=${r.model}`),
    maxBatchesInFlight: config.maxBatchesInFlight,
    translator: config.translatorAddress,
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      draining.abort();
      clearInterval(lagTimer);
      log('adapter.stopping', { inFlight: inFlight.size });
      await Promise.all(iterators.map((it) => it.close()));
      const timeout = setTimeout(() => hardStop.abort(), config.stopTimeoutMs);
      await Promise.allSettled([...inFlight]);
      clearTimeout(timeout);
      await routesDone;
      for (const sub of advisories) sub.unsubscribe();
      translator.close();
      await nc.drain().catch(() => nc.close());
      log('adapter.stopped', { ...metrics.stats() });
    })();
    return stopped;
  };

  return {
    config,
    serverVersion,
    stats: () => metrics.stats(),
    readiness: () => ({
      nats: stopping ? 'stopping' : nc.isClosed() ? 'connection closed' : true,
      translator: stopping ? 'stopping' : translator.connected() ? true : `not connected to ${config.translatorAddress}`,
    }),
    stop,
    closed: async () => {
      await nc.closed();
      if (fatalError) throw fatalError;
    },
  };
}

/**
 * Deliveries without a verdict, per allowed translator failure, before the server gives up on a batch
 * (MAX_DELIVERIES advisory → dead). Every delivery counts on the server, also one that ended because the adapter
 * was killed or frozen past AckWait: a batch held through a long translator outage while adapters restart is
 * redelivered at each restart without having failed once (`npm run bench:chaos` dead-lettered such batches when
 * the two limits were the same).
 * Translator failures still dead-letter at `maxDeliver` (handleBatch); this bound only stops a batch that crashes
 * every adapter it reaches.
 */
const NO_VERDICT_DELIVERIES_FACTOR = 10;

/** The consumer's MaxDeliver: NO_VERDICT_DELIVERIES_FACTOR × maxDeliver (100 by default). */
const noVerdictMaxDeliver = (maxDeliver: number): number => NO_VERDICT_DELIVERIES_FACTOR * maxDeliver;

/** Backstop for batches whose last delivery ended without a verdict (AckWait ran out, the adapter died). */
async function moveMaxDelivered(jsm: JetStreamManager, data: Uint8Array, config: AdapterConfig, metrics: AdapterMetrics): Promise<void> {
  const advisory = parseMaxDeliveriesAdvisory(data);
  if (!advisory) return;
  try {
    const stored = await jsm.streams.getMessage(SYNTHETIC_STREAM, { seq: advisory.stream_seq });
    if (!stored) return;
    const dataset = datasetOfSubject(stored.subject);
    const fresh = await publishDeadLetter(jsm.jetstream(), {
      dataset,
      data: stored.data,
      headers: stored.header,
      kind: 'max_deliveries',
      reason: `Gave up after ${advisory.deliveries} deliveries without an answer (max deliveries reached).`,
      sourceSequence: advisory.stream_seq,
      deliveries: advisory.deliveries,
    });
    if (fresh) {
      metrics.deadLettered(dataset, 'max_deliveries');
      config.logger('batch.dead', { dataset, sequence: advisory.stream_seq, deliveries: advisory.deliveries, kind: 'max_deliveries' });
    }
  } catch (error) {
    config.logger('advisory.failed', { sequence: advisory.stream_seq, error: error instanceof Error ? error.message : String(error) });
  }
}
