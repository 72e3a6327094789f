import { setMaxListeners } from 'node:events';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsPermissionError } from '@sim2real/messaging';
import type { AdapterConfig, Route } from './config.js';
import type { RouteConsumers } from './consumers.js';
import type { AdapterMetrics } from './metrics.js';
import type { RouteControl, RouteRunner } from './route-runner.js';
import type { TranslateStreamClient } from './translator-client.js';

/** What the lifecycle winds down on stop. */
export interface LifecycleParts {
  readonly config: AdapterConfig;
  readonly nc: NatsConnection;
  readonly translator: TranslateStreamClient;
  readonly consumers: RouteConsumers;
  readonly metrics: AdapterMetrics;
}

/**
 * Start, drain and stop of a running adapter: runs the routes, and on stop (asked, or forced by a permission NATS
 * denied) releases the translator waits, closes the consumers, gives in-flight batches `stopTimeoutMs` before it
 * aborts them, and closes the connections.
 */
export class AdapterLifecycle implements RouteControl {
  readonly #draining = new AbortController();
  readonly #hardStop = new AbortController();
  #routes: readonly RouteRunner[] = [];
  #routesDone: Promise<unknown> = Promise.resolve();
  #stopLagPolling: () => void = () => undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #fatalError: NatsPermissionError | undefined;

  constructor(private readonly parts: LifecycleParts) {
    // Every batch in flight listens to them (through its translation): bounded, not a leak.
    const listeners = parts.config.maxBatchesInFlight * parts.config.routes.length + 1;
    setMaxListeners(listeners, this.#hardStop.signal);
    setMaxListeners(listeners, this.#draining.signal);
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Aborted when the adapter starts stopping: batches waiting for the translator are released at once. */
  get drainSignal(): AbortSignal {
    return this.#draining.signal;
  }

  /** Aborted when the adapter gives up waiting for in-flight batches on stop. */
  get stopSignal(): AbortSignal {
    return this.#hardStop.signal;
  }

  /** Runs `routes` (a route that fails is logged; the others go on) and polls the consumers' lag. */
  start(routes: readonly RouteRunner[]): void {
    const { config, consumers, metrics } = this.parts;
    this.#routes = routes;
    this.#routesDone = Promise.all(
      routes.map((route) =>
        route.run().catch((error: unknown) => {
          config.logger.error('route.failed', { dataset: route.route.dataset, error: error instanceof Error ? error.message : String(error) });
        }),
      ),
    );
    this.#stopLagPolling = consumers.pollLag(metrics, config.lagPollIntervalMs);
  }

  fail(error: NatsPermissionError, route: Route): void {
    if (this.#fatalError) return;
    this.#fatalError = error;
    this.parts.config.logger.error('nats.permission_denied', { dataset: route.dataset, subject: error.subject, error: error.message });
    void this.stop();
  }

  /** Stops pulling, lets in-flight batches finish (releasing them after `stopTimeoutMs`), closes connections. */
  stop(): Promise<void> {
    this.#stopped ??= this.#windDown();
    return this.#stopped;
  }

  /** Resolves once the NATS connection closed; rejects with the NatsPermissionError that stopped the adapter. */
  async closed(): Promise<void> {
    await this.parts.nc.closed();
    if (this.#fatalError) throw this.#fatalError;
  }

  async #windDown(): Promise<void> {
    const { config, nc, translator, consumers, metrics } = this.parts;
    this.#stopping = true;
    this.#draining.abort();
    this.#stopLagPolling();
    const inFlight = (): Promise<unknown>[] => this.#routes.flatMap((route) => route.inFlight);
    config.logger.info('adapter.stopping', { inFlight: inFlight().length });
    await Promise.all(this.#routes.map((route) => route.close()));
    const timeout = setTimeout(() => this.#hardStop.abort(), config.stopTimeoutMs);
    await Promise.allSettled(inFlight());
    clearTimeout(timeout);
    await this.#routesDone;
    consumers.unsubscribe();
    translator.close();
    await nc.drain().catch(() => nc.close());
    config.logger.info('adapter.stopped', { ...metrics.stats() });
  }
}
