import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { SYNTHETIC_STREAM, consumerName, type NatsPermissionError } from '@sim2real/messaging';
import { CircuitBreaker } from './breaker.js';
import type { Route } from './config.js';
import { handleBatch, type BatchContext, type BatchOutcome } from './handle-batch.js';

/** What the adapter's lifecycle tells a route: whether it is stopping, its signals, and where a fatal error goes. */
export interface RouteControl {
  readonly stopping: boolean;
  readonly drainSignal: AbortSignal;
  readonly stopSignal: AbortSignal;
  /** NATS denied a permission on `route`: the adapter stops, since no retry can help. */
  fail(error: NatsPermissionError, route: Route): void;
}

/** What every route's batches share. */
export type SharedBatchContext = Omit<BatchContext, 'route' | 'breaker' | 'drainSignal' | 'stopSignal' | 'fatal'>;

/**
 * Adapts the batches of one route: consumes its durable consumer, keeps up to maxBatchesInFlight batches in hand
 * and hands each to handleBatch behind the route's own circuit breaker; once stopping, releases (nak) what arrives.
 */
export class RouteRunner {
  readonly #inFlight = new Set<Promise<BatchOutcome>>();
  readonly #ctx: BatchContext;
  #messages: ConsumerMessages | undefined;

  constructor(
    readonly route: Route,
    shared: SharedBatchContext,
    private readonly control: RouteControl,
  ) {
    const { config } = shared;
    this.#ctx = {
      ...shared,
      route,
      breaker: new CircuitBreaker({ baseDelayMs: config.breakerBaseDelayMs, maxDelayMs: config.breakerMaxDelayMs, jitter: config.breakerJitter }),
      drainSignal: control.drainSignal,
      stopSignal: control.stopSignal,
      fatal: (error) => control.fail(error, route),
    };
  }

  /** Batches in hand now. */
  get inFlight(): readonly Promise<BatchOutcome>[] {
    return [...this.#inFlight];
  }

  /** Consumes until the consumer's iterator is closed (`close`). */
  async run(): Promise<void> {
    const { config, js } = this.#ctx;
    const consumer = await js.consumers.get(SYNTHETIC_STREAM, consumerName(this.route.dataset));
    const messages = await consumer.consume({ max_messages: config.maxBatchesInFlight });
    this.#messages = messages;
    for await (const msg of messages) {
      if (this.control.stopping) {
        msg.nak();
        continue;
      }
      // The consumer's MaxAckPending already bounds this; the wait covers messages buffered before a restart.
      while (this.#inFlight.size >= config.maxBatchesInFlight) await Promise.race(this.#inFlight);
      const work = this.#handle(msg);
      this.#inFlight.add(work);
      void work.finally(() => this.#inFlight.delete(work));
    }
  }

  /** Stops pulling: the iterator ends once the messages already pulled are through. */
  async close(): Promise<void> {
    await this.#messages?.close();
  }

  async #handle(msg: JsMsg): Promise<BatchOutcome> {
    const { config } = this.#ctx;
    try {
      return await handleBatch(msg, this.#ctx);
    } catch (error) {
      // handleBatch settles every batch itself; this is a bug or a closed connection: release and go on.
      config.logger.error('batch.error', { subject: msg.subject, error: error instanceof Error ? error.message : String(error) });
      try {
        msg.nak(config.retryBaseDelayMs);
      } catch {
        // connection gone: the server redelivers after AckWait
      }
      return 'retry';
    }
  }
}
