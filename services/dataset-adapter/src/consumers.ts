import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import { SYNTHETIC_STREAM, datasetOfSubject, maxDeliveriesAdvisory, parseMaxDeliveriesAdvisory, provisionConsumer, publishDeadLetter } from '@sim2real/messaging';
import type { AdapterConfig } from './config.js';
import type { AdapterMetrics } from './metrics.js';

/**
 * Deliveries without a verdict, per allowed translator failure, before the server gives up on a batch
 * (MAX_DELIVERIES advisory → dead). Every delivery counts on the server, also one that ended because the adapter
 * was killed or frozen past AckWait, so a batch held through a long translator outage is redelivered at each
 * adapter restart without having failed once (BENCHMARKS.md, "Chaos soak"). Translator failures still dead-letter at
 * `maxDeliver` (handleBatch); this bound only stops a batch that crashes every adapter it reaches.
 */
const NO_VERDICT_DELIVERIES_FACTOR = 10;

/** The consumer's MaxDeliver: NO_VERDICT_DELIVERIES_FACTOR × maxDeliver (100 by default). */
const noVerdictMaxDeliver = (maxDeliver: number): number => NO_VERDICT_DELIVERIES_FACTOR * maxDeliver;

/** The routes' durable consumers and the subscriptions that dead-letter what they gave up on. */
export class RouteConsumers {
  private constructor(
    /** Durable consumer name per dataset. */
    readonly names: ReadonlyMap<string, string>,
    private readonly jsm: JetStreamManager,
    private readonly advisories: readonly Subscription[],
  ) {}

  /**
   * Provisions one durable pull consumer per route (AckWait, MaxDeliver, MaxAckPending from `config`) and subscribes
   * to its MAX_DELIVERIES advisory, which moves the batch to the dead subject.
   */
  static async provision(nc: NatsConnection, jsm: JetStreamManager, config: AdapterConfig, metrics: AdapterMetrics): Promise<RouteConsumers> {
    const names = new Map<string, string>();
    const advisories: Subscription[] = [];
    for (const route of config.routes) {
      const name = await provisionConsumer(jsm, route.dataset, {
        ackWaitMs: config.ackWaitMs,
        maxDeliver: noVerdictMaxDeliver(config.maxDeliver),
        maxAckPending: config.maxBatchesInFlight,
      });
      names.set(route.dataset, name);
      advisories.push(
        nc.subscribe(maxDeliveriesAdvisory(SYNTHETIC_STREAM, name), {
          callback: (_error, msg) => void moveMaxDelivered(jsm, msg.data, config, metrics),
        }),
      );
    }
    return new RouteConsumers(names, jsm, advisories);
  }

  /** Reads each consumer's pending count into the metrics every `intervalMs`; returns the function that stops it. */
  pollLag(metrics: AdapterMetrics, intervalMs: number): () => void {
    const timer = setInterval(() => {
      for (const [dataset, name] of this.names) {
        this.jsm.consumers.info(SYNTHETIC_STREAM, name).then(
          (info) => metrics.setLag(dataset, info.num_pending),
          () => undefined,
        );
      }
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Stops dead-lettering on advisories. */
  unsubscribe(): void {
    for (const sub of this.advisories) sub.unsubscribe();
  }
}

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
      config.logger.warn('batch.dead', { dataset, sequence: advisory.stream_seq, deliveries: advisory.deliveries, kind: 'max_deliveries' });
    }
  } catch (error) {
    config.logger.error('advisory.failed', { sequence: advisory.stream_seq, error: error instanceof Error ? error.message : String(error) });
  }
}
