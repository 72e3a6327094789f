import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { trace, type Tracer } from '@opentelemetry/api';
import { ADAPTED_STREAM, DEFAULT_STREAM_LIMITS, SYNTHETIC_STREAM, adaptedSubject, connectNats, provisionStreams, serverFeatures, syntheticSubject } from '@sim2real/messaging';
import { BatchHandler } from './batch-handler.js';
import type { RegressorServiceConfig } from './config.js';
import { RegressorMetrics, type RegressorStats } from './metrics.js';
import type { SampleStore } from './sample-store.js';
import { StepCadence } from './step-cadence.js';
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
 * and trains from every batch (`BatchHandler`), evaluating and checkpointing on their step cadences.
 */
export async function createRegressor(config: RegressorServiceConfig, deps: CreateRegressorDeps = {}): Promise<Regressor> {
  const log = config.logger;
  const trainer = await RegressorTrainer.create(config.regressor, config.checkpointDir);
  const nc = await connectNats({ servers: config.natsServers, name: `sim2real-face-regressor-${config.dataset}`, auth: config.natsAuth });
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
  log.info('regressor.started', { server: nc.getServer(), stream, subject, consumer: config.consumerName, resumedAtStep: trainer.step, testSamples: deps.test?.count ?? 0 });

  const handler = new BatchHandler({
    config,
    trainer,
    metrics,
    tracer: deps.tracer ?? trace.getTracer('sim2real.face-regressor'),
    features: serverFeatures(nc.info?.version ?? ''),
  });
  const evaluation = new StepCadence(config.evalEverySteps, trainer.step);
  const checkpoints = new StepCadence(config.checkpointEverySteps, trainer.step);
  const evaluateIfDue = (force: boolean): void => {
    if (!deps.test || deps.test.count === 0 || !evaluation.due(trainer.step, force)) return;
    const result = trainer.evaluate(deps.test);
    evaluation.ran(trainer.step);
    metrics.evaluated(trainer.step, result.mse);
    log.info('regressor.eval', { step: trainer.step, mse: result.mse, samples: result.samples });
  };
  const checkpointIfDue = async (force: boolean): Promise<void> => {
    if (config.checkpointDir === undefined || !checkpoints.due(trainer.step, force)) return;
    await trainer.saveCheckpoint(config.checkpointDir);
    checkpoints.ran(trainer.step);
    metrics.checkpointed();
    log.info('regressor.checkpoint', { step: trainer.step, dir: config.checkpointDir });
  };

  let stopping = false;
  const done = (async (): Promise<RegressorStats> => {
    try {
      for await (const msg of messages) {
        try {
          await handler.handle(msg);
        } catch (error) {
          log.warn('regressor.batch_failed', { subject: msg.subject, seq: msg.seq, reason: (error as Error).message });
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
      await checkpointIfDue(true).catch((error: unknown) => log.error('regressor.checkpoint_failed', { reason: (error as Error).message }));
      await nc.drain().catch(() => nc.close());
      log.info('regressor.stopped', { ...metrics.stats() });
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
