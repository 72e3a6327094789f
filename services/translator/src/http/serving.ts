import type { BatchReport } from '../batcher.js';

/** Serving figures over the last window, for the dashboard. */
export interface ServingFigures {
  windowSeconds: number;
  imagesPerSecond: number;
  batchesPerSecond: number;
  /** Mean images per batch over maxBatchSize, 0–1. */
  batchFill: number;
  /** Mean wait of a batch's oldest image before the batch started, ms. */
  meanQueueMs: number;
  /** Mean inference time of a batch, ms. */
  meanComputeMs: number;
}

/** Inference batches of the last `windowMs`, as the dashboard's images/s, batch fill, queue and compute time. */
export class ServingWindow {
  readonly #batches: { at: number; size: number; waitedMs: number; durationMs: number }[] = [];
  constructor(
    private readonly maxBatchSize: number,
    private readonly windowMs = 60_000,
  ) {}

  record(report: BatchReport, now = performance.now()): void {
    if (report.error !== undefined) return;
    this.#batches.push({ at: now, size: report.size, waitedMs: report.waitedMs, durationMs: report.durationMs });
    this.#prune(now);
  }

  figures(now = performance.now()): ServingFigures {
    this.#prune(now);
    const batches = this.#batches;
    const seconds = this.windowMs / 1000;
    const mean = (pick: (b: (typeof batches)[number]) => number): number => (batches.length === 0 ? 0 : batches.reduce((sum, b) => sum + pick(b), 0) / batches.length);
    return {
      windowSeconds: seconds,
      imagesPerSecond: batches.reduce((sum, b) => sum + b.size, 0) / seconds,
      batchesPerSecond: batches.length / seconds,
      batchFill: mean((b) => b.size) / this.maxBatchSize,
      meanQueueMs: mean((b) => b.waitedMs),
      meanComputeMs: mean((b) => b.durationMs),
    };
  }

  #prune(now: number): void {
    while (this.#batches.length > 0 && now - this.#batches[0]!.at > this.windowMs) this.#batches.shift();
  }
}
