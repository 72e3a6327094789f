import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Label, LabelledBatch } from '@sim2real/contracts';
import { readLabelledFolder } from '@sim2real/datasets';
import type { LabelledSample, SampleLabel } from '@sim2real/datasets';
import { DEFAULT_STREAM_LIMITS, deterministicBatchId, provisionStreams, publishBatches } from '@sim2real/messaging';
import { startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { DATASET_FLAGS, NATS_FLAGS, connectCommandNats } from '../options.js';
import { Progress } from '@sim2real/progress';

const PUBLISH_FLAGS = defineFlags({
  dir: { kind: 'string', value: 'DIR', help: 'the labelled folder', required: true },
  ...DATASET_FLAGS,
  batch: { kind: 'integer', help: 'images per batch', default: 32, min: 1, max: 100_000 },
  ...NATS_FLAGS,
});

export const publishCommand: CommandSpec = defineCommand({
  name: 'publish',
  synopsis: '--dir DIR --dataset NAME [--batch N] [--nats URL]',
  description: `Publishes a labelled image folder to NATS JetStream, subject sim2real.batches.synthetic.<NAME>,
in batches of N (LabelledBatch protobuf). Labels: the class sub-folder of each image, or
DIR/labels.jsonl ({"file": "...", "label": number | number[] | string}). Batch ids (the
Nats-Msg-Id) are derived from the dataset, the files and the batch index, so publishing the same
folder again stores nothing twice (within the streams' de-duplication window). A batch larger
than the server's max_payload is split in halves until it fits; a single image that does not fit
is refused.`,
  flags: PUBLISH_FLAGS,
  epilogue: `Example:
  sim2real publish --dir renders/digits --dataset digits --batch 64`,
  run: runPublish,
});

function toLabel(label: SampleLabel): Label {
  switch (label.kind) {
    case 'vector':
      return { vector: { values: label.values } };
    case 'classIndex':
      return { classIndex: String(label.value) };
    case 'opaque':
      return { opaque: label.bytes };
  }
}

/** Batches of `size` samples, images read from disk, with deterministic ids. */
async function* folderBatches(dir: string, dataset: string, size: number, signal: AbortSignal): AsyncGenerator<LabelledBatch> {
  let chunk: LabelledSample[] = [];
  let index = 0;
  const build = async (samples: LabelledSample[]): Promise<LabelledBatch> => ({
    batchId: deterministicBatchId(dataset, samples.map((s) => s.id), index++),
    dataset,
    samples: await Promise.all(
      samples.map(async (s) => ({
        id: s.id,
        image: { data: await readFile(s.file), encoding: /\.png$/i.test(s.file) ? ('ENCODING_PNG' as const) : ('ENCODING_JPEG' as const) },
        label: toLabel(s.label),
      })),
    ),
  });
  for await (const sample of readLabelledFolder(dir, { signal })) {
    chunk.push(sample);
    if (chunk.length === size) {
      yield await build(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield await build(chunk);
}

async function runPublish(flags: FlagValues<typeof PUBLISH_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { dataset, batch: batchSize } = flags;
  const dir = path.resolve(flags.dir);
  let total = 0;
  for await (const _sample of readLabelledFolder(dir, { signal: ctx.signal })) total += 1;

  const telemetry = startTelemetry(telemetryOptionsFromEnv(ctx.env, 'sim2real-publish'));
  const nc = await connectCommandNats(flags, 'publish', 'sim2real-publish');
  try {
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm, DEFAULT_STREAM_LIMITS, { update: false });
    const progress = new Progress({ label: 'publish', total, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
    let images = 0;
    let batches = 0;
    let duplicates = 0;
    const summary = await publishBatches(folderBatches(dir, dataset, batchSize, ctx.signal), {
      js: jetstream(nc),
      maxPayloadBytes: nc.info?.max_payload ?? 1024 * 1024,
      signal: ctx.signal,
      onPublished: (batch) => {
        images += batch.samples;
        batches += 1;
        if (batch.duplicate) duplicates += 1;
        progress.update(images, { batches, duplicates });
      },
    });
    progress.finish();
    ctx.stdout.write(`${JSON.stringify({ event: 'published', dataset, ...summary })}\n`);
    return 0;
  } finally {
    await nc.drain().catch(() => nc.close());
    await telemetry.shutdown();
  }
}
