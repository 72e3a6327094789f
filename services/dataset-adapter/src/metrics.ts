import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import type { DeadLetterKind } from './errors.js';

/** Counts since the adapter started, with rates over that time. */
export interface AdapterStats {
  readonly batchesAdapted: number;
  readonly imagesAdapted: number;
  /** Batches whose adapted copy was already stored (a redelivery or a re-publish). */
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Transient failures released for a later retry (nak). */
  readonly retried: number;
  /** Deliveries of a batch after its first (a nak, an AckWait that ran out, a restart). */
  readonly redelivered: number;
  /** Translation attempts that found the translator unavailable (the batch was kept and tried again). */
  readonly waitedForTranslator: number;
  readonly batchesPerSecond: number;
  readonly imagesPerSecond: number;
  /** Batches not yet delivered, per dataset, as last read from the consumers. */
  readonly consumerLag: Readonly<Record<string, number>>;
}

/** The adapter's OpenTelemetry instruments and in-process counters. */
export class AdapterMetrics {
  private readonly startedAt = performance.now();
  private readonly lag = new Map<string, number>();
  private readonly batches: Counter;
  private readonly images: Counter;
  private readonly dead: Counter;
  private readonly redeliveries: Counter;
  private readonly duration: Histogram;
  private counts = { batchesAdapted: 0, imagesAdapted: 0, duplicates: 0, deadLettered: 0, retried: 0, redelivered: 0, waitedForTranslator: 0 };

  constructor() {
    const meter = metrics.getMeter('sim2real.dataset-adapter');
    this.batches = meter.createCounter('sim2real.adapter.batches', { description: 'Batches handled, by dataset and outcome.', unit: '{batch}' });
    this.images = meter.createCounter('sim2real.adapter.images', { description: 'Images adapted, by dataset.', unit: '{image}' });
    this.dead = meter.createCounter('sim2real.adapter.dead_lettered', { description: 'Batches moved to the dead subject.', unit: '{batch}' });
    this.redeliveries = meter.createCounter('sim2real.adapter.redelivered', { description: 'Deliveries of a batch after its first.', unit: '{batch}' });
    this.duration = meter.createHistogram('sim2real.adapter.batch.duration', { description: 'Receipt to source ack of adapted batches.', unit: 's' });
    meter
      .createObservableGauge('sim2real.adapter.consumer_lag', { description: 'Batches waiting in the synthetic stream, per dataset.', unit: '{batch}' })
      .addCallback((result) => {
        for (const [dataset, value] of this.lag) result.observe(value, { dataset });
      });
  }

  adapted(dataset: string, images: number, durationMs: number, duplicate: boolean): void {
    this.batches.add(1, { dataset, outcome: duplicate ? 'duplicate' : 'adapted' });
    if (duplicate) {
      this.counts.duplicates += 1;
      return;
    }
    this.counts.batchesAdapted += 1;
    this.counts.imagesAdapted += images;
    this.images.add(images, { dataset });
    this.duration.record(durationMs / 1000, { dataset });
  }

  deadLettered(dataset: string, kind: DeadLetterKind): void {
    this.counts.deadLettered += 1;
    this.batches.add(1, { dataset, outcome: 'dead' });
    this.dead.add(1, { dataset, kind });
  }

  retried(dataset: string): void {
    this.counts.retried += 1;
    this.batches.add(1, { dataset, outcome: 'retried' });
  }

  waited(dataset: string): void {
    this.counts.waitedForTranslator += 1;
    this.batches.add(1, { dataset, outcome: 'waited' });
  }

  redelivered(dataset: string): void {
    this.counts.redelivered += 1;
    this.redeliveries.add(1, { dataset });
  }

  setLag(dataset: string, pending: number): void {
    this.lag.set(dataset, pending);
  }

  stats(): AdapterStats {
    const seconds = Math.max(1e-9, (performance.now() - this.startedAt) / 1000);
    return {
      ...this.counts,
      batchesPerSecond: this.counts.batchesAdapted / seconds,
      imagesPerSecond: this.counts.imagesAdapted / seconds,
      consumerLag: Object.fromEntries(this.lag),
    };
  }
}
