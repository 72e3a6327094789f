import { metrics, type Counter, type Histogram } from '@opentelemetry/api';

/** Counts since the regressor started. */
export interface RegressorStats {
  readonly batches: number;
  readonly samples: number;
  readonly rejectedSamples: number;
  readonly badBatches: number;
  readonly steps: number;
  readonly lastLoss?: number;
  readonly lastEvalMse?: number;
  readonly lastEvalStep?: number;
  readonly checkpoints: number;
}

/** The regressor's OpenTelemetry instruments and in-process counters. */
export class RegressorMetrics {
  private readonly batchCounter: Counter;
  private readonly sampleCounter: Counter;
  private readonly stepCounter: Counter;
  private readonly lossHistogram: Histogram;
  private readonly stepDuration: Histogram;
  private counts: { -readonly [K in keyof RegressorStats]: RegressorStats[K] } = {
    batches: 0,
    samples: 0,
    rejectedSamples: 0,
    badBatches: 0,
    steps: 0,
    checkpoints: 0,
  };

  constructor(private readonly dataset: string) {
    const meter = metrics.getMeter('sim2real.face-regressor');
    this.batchCounter = meter.createCounter('sim2real.regressor.batches', { description: 'Batches consumed, by outcome.', unit: '{batch}' });
    this.sampleCounter = meter.createCounter('sim2real.regressor.samples', { description: 'Samples trained on or rejected.', unit: '{sample}' });
    this.stepCounter = meter.createCounter('sim2real.regressor.steps', { description: 'Optimiser steps.', unit: '{step}' });
    this.lossHistogram = meter.createHistogram('sim2real.regressor.train_loss', { description: 'Mini-batch MSE.' });
    this.stepDuration = meter.createHistogram('sim2real.regressor.step.duration', { description: 'Time of one training step.', unit: 's' });
    meter.createObservableGauge('sim2real.regressor.eval_mse', { description: 'MSE on the held-out real-style test set.' }).addCallback((result) => {
      if (this.counts.lastEvalMse !== undefined) result.observe(this.counts.lastEvalMse, { dataset: this.dataset });
    });
  }

  batch(outcome: 'trained' | 'bad', samples: number, rejected: number): void {
    this.batchCounter.add(1, { dataset: this.dataset, outcome });
    if (outcome === 'bad') this.counts.badBatches += 1;
    else this.counts.batches += 1;
    this.counts.samples += samples;
    this.counts.rejectedSamples += rejected;
    this.sampleCounter.add(samples, { dataset: this.dataset, outcome: 'trained' });
    if (rejected > 0) this.sampleCounter.add(rejected, { dataset: this.dataset, outcome: 'rejected' });
  }

  step(loss: number, durationMs: number): void {
    this.counts.steps += 1;
    this.counts.lastLoss = loss;
    this.stepCounter.add(1, { dataset: this.dataset });
    this.lossHistogram.record(loss, { dataset: this.dataset });
    this.stepDuration.record(durationMs / 1000, { dataset: this.dataset });
  }

  evaluated(step: number, mse: number): void {
    this.counts.lastEvalMse = mse;
    this.counts.lastEvalStep = step;
  }

  checkpointed(): void {
    this.counts.checkpoints += 1;
  }

  stats(): RegressorStats {
    return { ...this.counts };
  }
}
