/*
 * A training job's side of the NATS pipeline: reads translated batches from sim2real.batches.adapted.<dataset>
 * (stream SIM2REAL_ADAPTED, written by `sim2real adapt`) with a durable pull consumer, decodes each
 * LabelledBatch with @sim2real/contracts and prints one JSON line per sample (its label is the one the
 * producer published, byte for byte; the image is translated). Acknowledges a batch once it is handled, so a
 * restarted consumer resumes where it stopped.
 *
 *   npx tsx examples/typescript/consume-adapted.ts --dataset faces [--nats URL] [--consumer NAME] [--max-batches N]
 */
import { parseArgs } from 'node:util';
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { decodeLabelledBatch } from '@sim2real/contracts';
import type { Label__Output } from '@sim2real/contracts';

const STREAM = 'SIM2REAL_ADAPTED';
/** The header the adapter sets to the `name@version` that translated a batch. */
const MODEL_HEADER = 'Sim2real-Model';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    consumer: { type: 'string' },
    'max-batches': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.dataset) {
  process.stdout.write('usage: consume-adapted.ts --dataset NAME [--nats URL] [--consumer NAME] [--max-batches N (0 = until Ctrl-C)]\n');
  process.exit(values.help ? 0 : 2);
}
const dataset = values.dataset;
const maxBatches = Number(values['max-batches']);
const durable = values.consumer ?? `example-${dataset}`;

function describeLabel(label: Label__Output | null): unknown {
  switch (label?.kind) {
    case 'vector':
      return { vector: label.vector?.values };
    case 'classIndex':
      return { classIndex: label.classIndex };
    case 'opaque':
      return { opaqueBytes: label.opaque?.length };
    default:
      return null;
  }
}

const nc = await connect({ servers: values.nats });
try {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(STREAM);
  } catch (error) {
    if (error instanceof JetStreamApiError) throw new Error(`Stream ${STREAM} does not exist on ${values.nats}: start the dataset adapter (sim2real adapt) first.`);
    throw error;
  }
  // One filter subject per consumer: nats-server 2.9 has no multi-subject filters.
  await jsm.consumers.add(STREAM, {
    durable_name: durable,
    filter_subject: `sim2real.batches.adapted.${dataset}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  });
  const consumer = await jetstream(nc).consumers.get(STREAM, durable);
  // At most 4 batches buffered here: the server holds the rest back (backpressure).
  const messages = await consumer.consume({ max_messages: 4 });
  let batches = 0;
  for await (const message of messages) {
    const batch = decodeLabelledBatch(message.data);
    for (const sample of batch.samples) {
      const line = { batchId: batch.batchId, sampleId: sample.id, model: message.headers?.get(MODEL_HEADER) ?? '', width: sample.image?.width, height: sample.image?.height, label: describeLabel(sample.label) };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    // Your training step goes here; acknowledge only once the batch is used.
    message.ack();
    batches += 1;
    if (maxBatches > 0 && batches >= maxBatches) break;
  }
  await messages.close();
} finally {
  await nc.drain();
}
