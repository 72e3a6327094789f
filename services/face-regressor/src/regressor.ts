import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { decodeLabelledBatch } from '@sim2real/contracts';
import {
  ADAPTED_STREAM,
  DEFAULT_STREAM_LIMITS,
  HEADER_MSG_ID,
  SYNTHETIC_STREAM,
  adaptedSubject,
  connectNats,
  provisionStreams,
  serverFeatures,
  syntheticSubject,
  terminate,
} from '@sim2real/messaging';
import { ATTR_MESSAGING_CONSUMER_GROUP_NAME, withConsumerSpan } from '@sim2real/telemetry';
import { samplesOfBatch } from './batch.js';
import type { RegressorServiceConfig } from './config.js';
import { RegressorMetrics, type RegressorStats } from './metrics.js';
import type { SampleStore } from './sample-store.js';
import { RegressorTrainer } from './trainer.js';

/** A running regressor: a durable pull consumer training the network online. */
export interface Regressor {
  readonly trainer: RegressorTrainer;
  stats(): RegressorStats;
  /** Stops pulling after the batch in hand, writes a last checkpoint, closes the connection. Idempotent. */
  stop(): Promise<RegressorStats>;
  /** Resolves when the regressor has stopped: after `stop()`, after `maxBatches`, or when the connection closed. */
  readonly done: Promise<RegressorStats>;
}

export interface CreateRegressorDeps {
  /** Held-out test set (real style); without it no evaluation runs. */
  readonly test?: SampleStore;
  /** @default the global tracer 'sim2real.face-regressor' */
  readonly tracer?: Tracer;
}

/**
 * Connects to NATS, makes sure the streams and the durable consumer on `sim2real.batches.<source>.<dataset>` exist,
 * and trains from every batch: a CONSUMER span per batch in the producer's trace, a child span per training step,
 * an ack only after the batch has been trained on (a crash retrains it: harmless for SGD).
 */
export async function createRegressor(config: RegressorServiceConfig, deps: CreateRegressorDeps = {}): Promise<Regressor> {
  const log = config.logger;
  const tracer = deps.tracer ?? trace.getTracer('sim2real.face-regressor');
  const trainer = await RegressorTrainer.create(config.regressor, config.checkpointDir);
  const nc = await connectNats({ servers: config.natsServers, name: `sim2real-face-regressor-${config.dataset}`, auth: config.natsAuth });
  const features = serverFeatures(nc.info?.version ?? '');
  const metrics = new RegressorMetrics(config.dataset);
  const stream = config.source === 'adapted' ? ADAPTED_STREAM : SYNTHETIC_STREAM;
  const subject = config.source === 'adapted' ? adaptedSubject(config.dataset) : syntheticSubject(config.dataset);
  try {
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm, DEFAULT_STREAM_LIMITS, { update: false });
    await ensureConsumer(jsm, stream, subject, config);
  } catch (error) {
    trainer.dispose();
    await nc.close();
    throw error;
  }
  const consumer = await jetstream(nc).consumers.get(stream, config.consumerName);
  // One batch in hand plus one buffered: training is the bottleneck, so more would only wait past AckWait.
  const messages = await consumer.consume({ max_messages: 2 });
  log('regressor.started', { server: nc.getServer(), stream, subject, consumer: config.consumerName, resumedAtStep: trainer.step, testSamples: deps.test?.count ?? 0 });

  let lastEvalStep = trainer.step;
  let lastCheckpointStep = trainer.step;
  let stopping = false;

  const evaluateIfDue = (force: boolean): void => {
    if (!deps.test || deps.test.count === 0 || trainer.step === lastEvalStep) return;
    if (!force && trainer.step - lastEvalStep < config.evalEverySteps) return;
    const evaluation = trainer.evaluate(deps.test);
    lastEvalStep = trainer.step;
    metrics.evaluated(trainer.step, evaluation.mse);
    log('regressor.eval', { step: trainer.step, mse: evaluation.mse, samples: evaluation.samples });
  };
  const checkpointIfDue = async (force: boolean): Promise<void> => {
    if (config.checkpointDir === undefined || trainer.step === lastCheckpointStep) return;
    if (!force && trainer.step - lastCheckpointStep < config.checkpointEverySteps) return;
    await trainer.saveCheckpoint(config.checkpointDir);
    lastCheckpointStep = trainer.step;
    metrics.checkpointed();
    log('regressor.checkpoint', { step: trainer.step, dir: config.checkpointDir });
  };

  const handle = async (msg: JsMsg): Promise<void> => {
    const batchId = msg.headers?.get(HEADER_MSG_ID) || undefined;
    await withConsumerSpan(
      tracer,
      { destination: msg.subject, messageId: batchId, attributes: { [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: config.consumerName } },
      msg.headers,
      async (span) => {
        const parent = trace.setSpan(context.active(), span);
        let batch;
        try {
          batch = decodeLabelledBatch(msg.data);
        } catch (error) {
          metrics.batch('bad', 0, 0);
          // The reason goes to the log; the server is told only where it understands a term reason (2.10.4+: 2.9 would redeliver).
          log('regressor.bad_batch', { subject: msg.subject, seq: msg.info.streamSequence, reason: (error as Error).message, termWithReason: features.termWithReason });
          terminate(msg, (error as Error).message, features);
          return;
        }
        const { samples, rejected } = await samplesOfBatch(batch, { maxPixels: config.maxPixels });
        for (const problem of rejected.slice(0, 3)) log('regressor.sample_rejected', { batchId: batch.batchId, reason: problem.message });
        const usable = samples.filter((s) => s.label.length >= config.regressor.outputs);
        const short = samples.length - usable.length;
        if (short > 0) log('regressor.sample_rejected', { batchId: batch.batchId, reason: `${short} labels shorter than ${config.regressor.outputs} values` });
        await trainer.addSamples(usable);
        const steps = usable.length === 0 ? 0 : config.stepsPerBatch || Math.ceil(usable.length / config.regressor.batchSize);
        let loss: number | undefined;
        for (let i = 0; i < steps; i++) {
          loss = await trainStep(tracer, parent, trainer, metrics, batch.batchId);
          msg.working();
        }
        span.setAttributes({ 'sim2real.batch.id': batch.batchId, 'sim2real.batch.samples': usable.length, 'sim2real.regressor.steps': steps, ...(loss === undefined ? {} : { 'sim2real.regressor.loss': loss }) });
        metrics.batch('trained', usable.length, rejected.length + short);
        await msg.ackAck();
      },
    );
  };

  const done = (async (): Promise<RegressorStats> => {
    try {
      for await (const msg of messages) {
        try {
          await handle(msg);
        } catch (error) {
          log('regressor.batch_failed', { subject: msg.subject, seq: msg.seq, reason: (error as Error).message });
          msg.nak(1000);
        }
        evaluateIfDue(false);
        await checkpointIfDue(false);
        const stats = metrics.stats();
        if (config.maxBatches > 0 && stats.batches + stats.badBatches >= config.maxBatches) break;
        if (stopping) break;
      }
    } finally {
      stopping = true;
      await messages.close().catch(() => undefined);
      evaluateIfDue(true);
      await checkpointIfDue(true).catch((error: unknown) => log('regressor.checkpoint_failed', { reason: (error as Error).message }));
      await nc.drain().catch(() => nc.close());
      log('regressor.stopped', { ...metrics.stats() });
    }
    return metrics.stats();
  })();

  return {
    trainer,
    stats: () => metrics.stats(),
    done,
    stop: async () => {
      stopping = true;
      messages.stop();
      return done;
    },
  };
}

async function trainStep(tracer: Tracer, parent: ReturnType<typeof context.active>, trainer: RegressorTrainer, metrics: RegressorMetrics, batchId: string): Promise<number> {
  const span: Span = tracer.startSpan('train step', { attributes: { 'sim2real.batch.id': batchId, 'sim2real.regressor.step': trainer.step + 1 } }, parent);
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

/** Creates the durable pull consumer, or updates its limits when it exists (one filter subject: nats-server 2.9). */
async function ensureConsumer(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  stream: string,
  subject: string,
  config: RegressorServiceConfig,
): Promise<void> {
  const editable = { ack_wait: nanos(config.ackWaitMs), max_deliver: config.maxDeliver, max_ack_pending: 4 };
  try {
    await jsm.consumers.info(stream, config.consumerName);
    await jsm.consumers.update(stream, config.consumerName, editable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    await jsm.consumers.add(stream, {
      ...editable,
      durable_name: config.consumerName,
      filter_subject: subject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  }
}
