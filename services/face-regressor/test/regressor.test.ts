import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { propagation, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { decodeLabelledBatch, encodeLabelledBatch } from '@sim2real/contracts';
import { type NatsServerHandle, publishBatches, startNatsServer } from '@sim2real/messaging';
import { generateFaceDataset, type FaceSample } from '@sim2real/face-synth';
import { initBackend, tf } from '@sim2real/tensor';
import { loggerFrom } from '@sim2real/telemetry';
import {
  RegressorConfigError,
  RegressorTrainer,
  SampleStore,
  createRegressor,
  faceBatch,
  loadCheckpoint,
  renderTestSet,
  resolveRegressorConfig,
  resolveRegressorServiceConfig,
  samplesOfBatch,
} from '@sim2real/face-regressor';

const SIZE = 16;
const tiny = resolveRegressorConfig({ imageSize: SIZE, outputs: 4, width: 4, batchSize: 8, learningRate: 0.01, replayCapacity: 64 });
let faces: FaceSample[];

before(async () => {
  await initBackend({ backend: 'cpu' });
  faces = await generateFaceDataset({ count: 12, style: 'sim', size: SIZE, seed: 9 });
});

const labelled = (list: FaceSample[]) => list.map((f) => ({ id: f.id, image: f.image, label: f.params.coefficients }));

void describe('config', () => {
  void it('fills defaults and names the bad option', () => {
    assert.equal(resolveRegressorConfig().outputs, 100);
    assert.throws(() => resolveRegressorConfig({ imageSize: 20 }), (e: unknown) => e instanceof RegressorConfigError && e.option === 'imageSize');
    assert.throws(() => resolveRegressorServiceConfig({ dataset: 'a.b' }), RegressorConfigError);
    assert.equal(resolveRegressorServiceConfig({ dataset: 'faces', source: 'synthetic' }).consumerName, 'face-regressor-synthetic-faces');
  });
});

void describe('batches', () => {
  void it('carries labels unchanged through encode → decode → samples', async () => {
    const batch = await faceBatch('b-1', 'faces', faces.slice(0, 3));
    const decoded = decodeLabelledBatch(encodeLabelledBatch(batch));
    const { samples, rejected } = await samplesOfBatch(decoded);
    assert.equal(rejected.length, 0);
    assert.equal(samples.length, 3);
    samples.forEach((s, i) => {
      assert.equal(s.id, faces[i]!.id);
      assert.deepEqual(Float32Array.from(s.label), faces[i]!.params.coefficients);
      assert.deepEqual(s.image.data, faces[i]!.image.data);
    });
    const broken = { ...decoded, samples: [{ ...decoded.samples[0]!, label: null }, decoded.samples[1]!] };
    const partial = await samplesOfBatch(broken);
    assert.equal(partial.samples.length, 1);
    assert.match(partial.rejected[0]!.message, /no coefficient-vector label/);
  });
});

void describe('trainer', () => {
  void it('loss falls on a tiny run without leaking tensors, and a checkpoint reloads the same network', async () => {
    const trainer = await RegressorTrainer.create(tiny);
    await trainer.addSamples(labelled(faces.slice(0, 8)));
    const first = await trainer.trainStep();
    const tensorsAfterFirst = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 24; i++) last = await trainer.trainStep();
    assert.ok(last < first * 0.6, `loss ${first} → ${last}`);
    assert.equal(tf.memory().numTensors, tensorsAfterFirst);
    const evaluation = trainer.evaluate(trainer.replay);
    assert.equal(evaluation.perOutput.length, 4);
    assert.equal(tf.memory().numTensors, tensorsAfterFirst);

    const dir = await mkdtemp(join(tmpdir(), 'regressor-ckpt-'));
    try {
      await trainer.saveCheckpoint(dir);
      const { model, state } = await loadCheckpoint(dir);
      assert.equal(state.step, 25);
      const { x } = trainer.replay.tensors([0, 1]);
      const a = trainer.model.predict(x) as tf.Tensor;
      const b = model.predict(x) as tf.Tensor;
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      model.dispose();
      const resumed = await RegressorTrainer.create(tiny, dir);
      assert.equal(resumed.step, 25);
      resumed.dispose();
    } finally {
      trainer.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('refuses labels shorter than the outputs', async () => {
    const store = new SampleStore({ size: SIZE, outputs: 4, capacity: 2 });
    await assert.rejects(store.add([{ id: 'x', image: faces[0]!.image, label: [1, 2] }]), /needs at least 4/);
    assert.equal(store.count, 0);
  });
});

void describe('consumer', () => {
  let server: NatsServerHandle;
  before(async () => {
    server = await startNatsServer();
  });
  after(async () => {
    await server.close();
  });

  void it('trains from published batches in the producer trace, evaluates and checkpoints', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    const dir = await mkdtemp(join(tmpdir(), 'regressor-svc-'));
    const logs: string[] = [];
    const config = resolveRegressorServiceConfig({
      natsServers: server.url,
      dataset: 'faces',
      source: 'synthetic',
      regressor: { ...tiny },
      evalEverySteps: 2,
      checkpointEverySteps: 2,
      checkpointDir: join(dir, 'ckpt'),
      maxBatches: 3,
      logger: loggerFrom((_level, event, fields) => logs.push(JSON.stringify({ event, ...fields }))),
    });
    const test = await renderTestSet({ count: 4, size: SIZE, outputs: 4 });
    const nc = await connect({ servers: server.url });
    try {
      const regressor = await createRegressor(config, { test, tracer });
      const batches = await Promise.all([0, 1, 2].map((i) => faceBatch(`faces-${i}`, 'faces', faces.slice(i * 4, i * 4 + 4))));
      const published = await publishBatches(batches, { js: jetstream(nc), maxPayloadBytes: nc.info?.max_payload ?? 1 << 20, tracer });
      assert.equal(published.batches, 3);
      const stats = await regressor.done;
      assert.equal(stats.batches, 3);
      assert.equal(stats.samples, 12);
      assert.equal(stats.steps, 3);
      assert.ok(stats.lastEvalMse !== undefined && Number.isFinite(stats.lastEvalMse));
      assert.ok(stats.checkpoints >= 1);
      const state = JSON.parse(await readFile(join(dir, 'ckpt', 'regressor.json'), 'utf8')) as { step: number };
      assert.equal(state.step, 3);
      assert.ok(logs.some((l) => l.includes('"regressor.eval"')));

      const spans = exporter.getFinishedSpans();
      const producers = spans.filter((s) => s.kind === SpanKind.PRODUCER);
      const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER);
      const steps = spans.filter((s) => s.name === 'train step');
      assert.equal(producers.length, 3);
      assert.equal(consumers.length, 3);
      assert.equal(steps.length, 3);
      for (const consumer of consumers) {
        const producer = producers.find((p) => p.spanContext().traceId === consumer.spanContext().traceId);
        assert.ok(producer, 'consumer span continues the producer trace');
        assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
        const child = steps.find((s) => s.parentSpanContext?.spanId === consumer.spanContext().spanId);
        assert.ok(child, 'a train step span under each consumer span');
        assert.equal(child.spanContext().traceId, consumer.spanContext().traceId);
      }
      regressor.trainer.dispose();
    } finally {
      await nc.close();
      await provider.shutdown();
      propagation.disable();
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('a poison batch is terminated once: plain term() on nats-server 2.9, the reason in the log, no redelivery', async () => {
    const logs: { event: string; fields?: Record<string, unknown> }[] = [];
    const config = resolveRegressorServiceConfig({
      natsServers: server.url,
      dataset: 'poison',
      source: 'synthetic',
      regressor: { ...tiny },
      ackWaitMs: 1000,
      maxDeliver: 5,
      logger: loggerFrom((_level, event, fields) => logs.push({ event, fields })),
    });
    const nc = await connect({ servers: server.url });
    const regressor = await createRegressor(config);
    try {
      const js = jetstream(nc);
      await js.publish('sim2real.batches.synthetic.poison', Buffer.from([0xff, 0x01, 0x02]), { msgID: 'poison-1' });
      const good = await faceBatch('good-1', 'poison', faces.slice(0, 4));
      await publishBatches([good], { js, maxPayloadBytes: 1 << 20 });
      const deadline = Date.now() + 20_000;
      while (regressor.stats().batches < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      // Three AckWaits: a message termed with a reason would have been redelivered on 2.9 by now.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const bad = logs.filter((l) => l.event === 'regressor.bad_batch');
      assert.equal(bad.length, 1, 'the poison batch was delivered once');
      assert.equal(bad[0]!.fields!.termWithReason, !server.version.startsWith('v2.9') && !server.version.startsWith('2.9'));
      assert.match(String(bad[0]!.fields!.reason), /LabelledBatch/);
      const info = await (await jetstreamManager(nc)).consumers.info('SIM2REAL_SYNTHETIC', config.consumerName);
      assert.equal(info.num_redelivered, 0);
      assert.equal(info.num_ack_pending, 0);
    } finally {
      await regressor.stop();
      regressor.trainer.dispose();
      await nc.close();
    }
  });
});
