import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DEFAULT_TRAINING_QUEUE,
  type NatsServerHandle,
  TRAINING_CONSUMER,
  TRAINING_EVENTS_STREAM,
  TRAINING_QUEUE_STREAM,
  TRAINING_QUEUE_SUBJECT,
  provisionTraining,
  startNatsServer,
  trainingEventSubject,
} from '@sim2real/messaging';

let nats: NatsServerHandle;
let nc: NatsConnection;

void before(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});

void after(async () => {
  await nc?.close();
  await nats?.close();
});

void test('training provisioning: safe from several replicas at once; one delivery per job; events bounded per job', async () => {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const settings = { ...DEFAULT_TRAINING_QUEUE, ackWaitMs: 3000, eventsPerSubject: 3 };
  const [kv] = await Promise.all([provisionTraining(js, jsm, settings), provisionTraining(js, jsm, settings)]);
  assert.equal((await jsm.consumers.info(TRAINING_QUEUE_STREAM, TRAINING_CONSUMER)).config.ack_wait, 3000 * 1e6);

  // Compare-and-set: a write against an old revision is refused.
  const revision = await kv.create('job-1', 'queued');
  await kv.update('job-1', 'running', revision);
  await assert.rejects(kv.update('job-1', 'cancelled', revision));

  // The queue is a work queue shared by one durable consumer: a job is delivered to one puller, again after AckWait.
  await js.publish(TRAINING_QUEUE_SUBJECT, 'job-1', { msgID: 'job-1' });
  await js.publish(TRAINING_QUEUE_SUBJECT, 'job-1', { msgID: 'job-1' });
  const consumer = await js.consumers.get(TRAINING_QUEUE_STREAM, TRAINING_CONSUMER);
  const first = await consumer.next({ expires: 2000 });
  assert.equal(first?.string(), 'job-1');
  assert.equal(await consumer.next({ expires: 1000 }), null, 'de-duplicated, and not given to a second puller while pending');
  const again = await consumer.next({ expires: 5000 });
  assert.equal(again?.info.deliveryCount, 2, 'redelivered after AckWait without heartbeats');
  await again?.ackAck();
  assert.equal((await jsm.streams.info(TRAINING_QUEUE_STREAM)).state.messages, 0, 'an acked job leaves the work queue');

  // Steps keep the last `eventsPerSubject`; a sample slot keeps its newest grid only (rolled up).
  for (let i = 0; i < 5; i++) await js.publish(trainingEventSubject('job-1', 'step'), String(i));
  const rollup = headers();
  rollup.set('Nats-Rollup', 'sub');
  for (let i = 0; i < 4; i++) await js.publish(trainingEventSubject('job-1', 'sample.0'), `grid ${i}`, { headers: rollup });
  const kept: string[] = [];
  const events = await js.consumers.get(TRAINING_EVENTS_STREAM, { filter_subjects: trainingEventSubject('job-1', '>') });
  for await (const msg of await events.fetch({ max_messages: 10, expires: 1000 })) kept.push(msg.string());
  assert.deepEqual(kept, ['2', '3', '4', 'grid 3']);
});
