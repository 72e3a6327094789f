import type { JsMsg } from '@nats-io/jetstream';
import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { decodeLabelledBatch, type LabelledBatch__Output } from '@sim2real/contracts';
import { HEADER_MSG_ID, terminate, type ServerFeatures } from '@sim2real/messaging';
import { ATTR_MESSAGING_CONSUMER_GROUP_NAME, withConsumerSpan } from '@sim2real/telemetry';
import { samplesOfBatch } from './batch.js';
import type { RegressorServiceConfig } from './config.js';
import type { RegressorMetrics } from './metrics.js';
import type { RegressorTrainer } from './trainer.js';

/** What one batch message is handled with. */
export interface BatchHandlerDeps {
  readonly config: RegressorServiceConfig;
  readonly trainer: RegressorTrainer;
  readonly metrics: RegressorMetrics;
  readonly tracer: Tracer;
  /** What the connected server supports (how a poison batch is terminated). */
  readonly features: ServerFeatures;
}

/**
 * Trains on one batch message: a CONSUMER span in the producer's trace, a child span per training step, an ack
 * only after the batch has been trained on (a crash retrains it: harmless for SGD). An undecodable batch is
 * terminated (poison); bad samples are dropped and logged.
 */
export class BatchHandler {
  constructor(private readonly deps: BatchHandlerDeps) {}

  async handle(msg: JsMsg): Promise<void> {
    const { config, tracer } = this.deps;
    const batchId = msg.headers?.get(HEADER_MSG_ID) || undefined;
    await withConsumerSpan(
      tracer,
      { destination: msg.subject, messageId: batchId, attributes: { [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: config.consumerName } },
      msg.headers,
      async (span) => {
        const batch = this.decode(msg);
        if (batch) await this.train(msg, batch, span);
      },
    );
  }

  /** The batch, or undefined after terminating an undecodable message. */
  private decode(msg: JsMsg): LabelledBatch__Output | undefined {
    const { config, metrics, features } = this.deps;
    try {
      return decodeLabelledBatch(msg.data);
    } catch (error) {
      metrics.batch('bad', 0, 0);
      // The reason goes to the log; the server is told only where it understands a term reason (2.10.4+: 2.9 would redeliver).
      config.logger.warn('regressor.bad_batch', { subject: msg.subject, seq: msg.info.streamSequence, reason: (error as Error).message, termWithReason: features.termWithReason });
      terminate(msg, (error as Error).message, features);
      return undefined;
    }
  }

  private async train(msg: JsMsg, batch: LabelledBatch__Output, span: Span): Promise<void> {
    const { config, trainer, metrics } = this.deps;
    const log = config.logger;
    const { samples, rejected } = await samplesOfBatch(batch, { maxPixels: config.maxPixels });
    for (const problem of rejected.slice(0, 3)) log.warn('regressor.sample_rejected', { batchId: batch.batchId, reason: problem.message });
    const usable = samples.filter((s) => s.label.length >= config.regressor.outputs);
    const short = samples.length - usable.length;
    if (short > 0) log.warn('regressor.sample_rejected', { batchId: batch.batchId, reason: `${short} labels shorter than ${config.regressor.outputs} values` });
    await trainer.addSamples(usable);
    const steps = usable.length === 0 ? 0 : config.stepsPerBatch || Math.ceil(usable.length / config.regressor.batchSize);
    const parent = trace.setSpan(context.active(), span);
    let loss: number | undefined;
    for (let i = 0; i < steps; i++) {
      loss = await this.trainStep(parent, batch.batchId);
      msg.working();
    }
    span.setAttributes({ 'sim2real.batch.id': batch.batchId, 'sim2real.batch.samples': usable.length, 'sim2real.regressor.steps': steps, ...(loss === undefined ? {} : { 'sim2real.regressor.loss': loss }) });
    metrics.batch('trained', usable.length, rejected.length + short);
    await msg.ackAck();
  }

  /** One optimiser step in a child span of the batch's; its loss. */
  private async trainStep(parent: Context, batchId: string): Promise<number> {
    const { trainer, metrics, tracer } = this.deps;
    const span = tracer.startSpan('train step', { attributes: { 'sim2real.batch.id': batchId, 'sim2real.regressor.step': trainer.step + 1 } }, parent);
    const started = performance.now();
    try {
      const loss = await trainer.trainStep();
      metrics.step(loss, performance.now() - started);
      span.setAttribute('sim2real.regressor.loss', loss);
      return loss;
    } catch (error) {
      span.recordException(error as Error);
      throw error;
    } finally {
      span.end();
    }
  }
}
