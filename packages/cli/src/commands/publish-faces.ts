import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_LIMITS, deterministicBatchId, provisionStreams, publishBatches } from '@sim2real/messaging';
import type { LabelledBatch } from '@sim2real/contracts';
import { faceBatch } from '@sim2real/face-regressor';
import { iterateFaces, loadBackgrounds, type FaceSample } from '@sim2real/face-synth';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import { startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { DATASET_FLAGS, NATS_FLAGS, connectCommandNats } from '../options.js';
import { Progress } from '@sim2real/progress';
import { photosDir } from '@sim2real/datasets';

/** The flags of the commands that render faces: how many, which style, size and seed. */
export const FACE_FLAGS = defineFlags({
  count: { kind: 'integer', help: 'faces to render', required: true, min: 1, max: 10_000_000 },
  style: { kind: 'string', value: 'STYLE', help: 'sim: a flat render; real: a photo-like stand-in', choices: ['sim', 'real'], default: 'sim' },
  size: { kind: 'integer', help: 'image width and height in pixels', default: 64, min: 8, max: 1024 },
  seed: { kind: 'integer', help: 'seed of the face set', default: 0 },
});

const PUBLISH_FACES_FLAGS = defineFlags({
  ...FACE_FLAGS,
  ...DATASET_FLAGS,
  batch: { kind: 'integer', help: 'faces per batch', default: 32, min: 1, max: 10_000 },
  photos: { kind: 'string', value: 'DIR', help: 'backgrounds of real-style faces', env: 'SIM2REAL_PHOTOS_DIR', defaultText: '../shared/data/photos' },
  ...NATS_FLAGS,
});

export const publishFacesCommand: CommandSpec = defineCommand({
  name: 'publish faces',
  synopsis: '--count N --dataset NAME [--style sim|real] [options]',
  description: `Renders N synthetic faces (procedural 3D morphable model, 100 shape coefficients) and publishes
them to NATS JetStream, subject sim2real.batches.synthetic.<NAME>, as LabelledBatch messages:
PNG images, label = the coefficient vector. The same --seed renders the same faces (and batch
ids), so publishing again stores nothing twice within the de-duplication window.`,
  flags: PUBLISH_FACES_FLAGS,
  epilogue: `Example:
  sim2real publish faces --count 2000 --dataset faces --batch 32`,
  run: runPublishFaces,
});

async function* faceBatches(
  faces: AsyncIterable<FaceSample>,
  dataset: string,
  batchSize: number,
  attributes: Record<string, string>,
): AsyncGenerator<LabelledBatch> {
  let chunk: FaceSample[] = [];
  let index = 0;
  const build = (samples: FaceSample[]): Promise<LabelledBatch> =>
    faceBatch(deterministicBatchId(dataset, samples.map((s) => s.id), index++), dataset, samples, attributes);
  for await (const face of faces) {
    chunk.push(face);
    if (chunk.length === batchSize) {
      yield await build(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield await build(chunk);
}

async function runPublishFaces(flags: FlagValues<typeof PUBLISH_FACES_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { count, dataset, style, batch: batchSize, size, seed } = flags;
  const backgrounds = style === 'real' ? await loadBackgrounds(photosDir(flags.photos, ctx.env)) : undefined;

  const telemetry = startTelemetry(telemetryOptionsFromEnv(ctx.env, 'sim2real-publish'));
  const nc = await connectCommandNats(flags, 'publish', 'sim2real-publish-faces');
  try {
    await provisionStreams(await jetstreamManager(nc), DEFAULT_STREAM_LIMITS, { update: false });
    const progress = new Progress({ label: 'publish faces', total: count, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
    let images = 0;
    const faces = iterateFaces({ count, style, size, seed, backgrounds, signal: ctx.signal });
    const attributes = { generator: '@sim2real/face-synth', style, seed: String(seed), size: String(size) };
    const summary = await publishBatches(faceBatches(faces, dataset, batchSize, attributes), {
      js: jetstream(nc),
      maxPayloadBytes: nc.info?.max_payload ?? 1024 * 1024,
      signal: ctx.signal,
      onPublished: (batch) => {
        images += batch.samples;
        progress.update(images);
      },
    });
    progress.finish();
    ctx.stdout.write(`${JSON.stringify({ event: 'published', dataset, style, ...summary })}\n`);
    return 0;
  } finally {
    await nc.drain().catch(() => nc.close());
    await telemetry.shutdown();
  }
}
