import { CapacityError } from './errors.js';

/** Limits of the micro-batcher. */
export interface BatcherOptions {
  /** Most items per batch. */
  maxBatchSize: number;
  /** How long the oldest waiting item of a key waits for others before its batch runs anyway. */
  maxBatchDelayMs: number;
  /** Most items waiting over all keys; `submit` beyond it throws CapacityError. */
  maxQueuedItems: number;
}

/** Runs one batch of items that share a key; returns one output per item, in order. */
export type RunBatch<I, O> = (key: string, items: readonly I[]) => Promise<O[]> | O[];

/** What happened to one batch (for metrics and tests). */
export interface BatchReport {
  key: string;
  size: number;
  /** How long the batch's oldest item waited in the queue. */
  waitedMs: number;
  durationMs: number;
  error?: unknown;
}

/** One item's output and the size of the batch it ran in. */
export interface BatchResult<O> {
  output: O;
  batchSize: number;
}

interface Pending<I, O> {
  key: string;
  item: I;
  enqueuedAt: number;
  resolve: (result: BatchResult<O>) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * Dynamic micro-batching as inference servers do it: items submitted for the same key (model version) by any
 * number of concurrent calls are gathered until `maxBatchSize` are waiting or the oldest has waited
 * `maxBatchDelayMs`, then run together. Only one batch runs at a time in the process (TensorFlow.js computes on
 * one thread), and items keep gathering while it runs, so batches grow with load. An item whose signal aborts
 * before its batch starts is dropped from the queue.
 */
export class MicroBatcher<I, O> {
  readonly #queues = new Map<string, Pending<I, O>[]>();
  /** One abort listener per signal, however many of its items wait (a request's images share one signal). */
  readonly #watched = new Map<AbortSignal, { pending: Set<Pending<I, O>>; onAbort: () => void }>();
  readonly #run: RunBatch<I, O>;
  readonly #options: BatcherOptions;
  readonly #onBatch: ((report: BatchReport) => void) | undefined;
  #queued = 0;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(run: RunBatch<I, O>, options: BatcherOptions, onBatch?: (report: BatchReport) => void) {
    this.#run = run;
    this.#options = options;
    this.#onBatch = onBatch;
  }

  /** Items waiting for a batch. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Queues one item for the batch of `key`. Rejects with the signal's reason when it aborts before the batch
   * starts, with CapacityError when `maxQueuedItems` are already waiting, or with the batch's error.
   */
  submit(key: string, item: I, signal?: AbortSignal): Promise<BatchResult<O>> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#queued >= this.#options.maxQueuedItems) {
      return Promise.reject(
        new CapacityError(
          'maxQueuedImages',
          `The server already has ${this.#queued} images waiting for inference (limit maxQueuedImages = ${this.#options.maxQueuedItems}); retry later.`,
        ),
      );
    }
    return new Promise<BatchResult<O>>((resolve, reject) => {
      const pending: Pending<I, O> = { key, item, enqueuedAt: performance.now(), resolve, reject, signal };
      this.#watch(pending);
      let queue = this.#queues.get(key);
      if (!queue) this.#queues.set(key, (queue = []));
      queue.push(pending);
      this.#queued += 1;
      this.#schedule();
    });
  }

  /** Resolves when no batch runs and none waits (used by graceful shutdown). */
  idle(): Promise<void> {
    if (!this.#running && this.#queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #watch(pending: Pending<I, O>): void {
    const { signal } = pending;
    if (!signal) return;
    let watched = this.#watched.get(signal);
    if (!watched) {
      const group = new Set<Pending<I, O>>();
      const onAbort = (): void => {
        this.#watched.delete(signal);
        for (const p of group) this.#drop(p);
      };
      watched = { pending: group, onAbort };
      this.#watched.set(signal, watched);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    watched.pending.add(pending);
  }

  #unwatch(pending: Pending<I, O>): void {
    const watched = pending.signal && this.#watched.get(pending.signal);
    if (!watched || !watched.pending.delete(pending) || watched.pending.size > 0) return;
    pending.signal!.removeEventListener('abort', watched.onAbort);
    this.#watched.delete(pending.signal!);
  }

  #drop(pending: Pending<I, O>): void {
    const queue = this.#queues.get(pending.key);
    const index = queue?.indexOf(pending) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.#queues.delete(pending.key);
    this.#queued -= 1;
    pending.reject(pending.signal?.reason);
    this.#notifyIdle();
  }

  /** Starts the most overdue full-or-expired batch, or arms a timer for the next one to expire. */
  #schedule(): void {
    if (this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = performance.now();
    let chosen: { key: string; dueAt: number } | undefined;
    for (const [key, queue] of this.#queues) {
      const first = queue[0];
      if (!first) continue;
      const dueAt = queue.length >= this.#options.maxBatchSize ? -Infinity : first.enqueuedAt + this.#options.maxBatchDelayMs;
      if (!chosen || dueAt < chosen.dueAt) chosen = { key, dueAt };
    }
    if (!chosen) return;
    if (chosen.dueAt > now) {
      this.#timer = setTimeout(() => this.#schedule(), Math.ceil(chosen.dueAt - now));
      return;
    }
    void this.#runBatch(chosen.key);
  }

  async #runBatch(key: string): Promise<void> {
    const queue = this.#queues.get(key) ?? [];
    const batch = queue.splice(0, this.#options.maxBatchSize);
    if (queue.length === 0) this.#queues.delete(key);
    this.#queued -= batch.length;
    this.#running = true;
    for (const p of batch) this.#unwatch(p);
    const started = performance.now();
    const report: BatchReport = { key, size: batch.length, waitedMs: started - (batch[0]?.enqueuedAt ?? started), durationMs: 0 };
    try {
      const outputs = await this.#run(key, batch.map((p) => p.item));
      if (outputs.length !== batch.length) throw new Error(`A batch of ${batch.length} items returned ${outputs.length} outputs.`);
      batch.forEach((p, i) => p.resolve({ output: outputs[i]!, batchSize: batch.length }));
    } catch (error) {
      report.error = error;
      for (const p of batch) p.reject(error);
    } finally {
      report.durationMs = performance.now() - started;
      this.#running = false;
      this.#onBatch?.(report);
      // setImmediate, not a direct call: lets I/O callbacks (newly arrived requests) join the next batch.
      setImmediate(() => {
        this.#schedule();
        this.#notifyIdle();
      });
    }
  }

  #notifyIdle(): void {
    if (this.#running || this.#queued > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
