import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_LIMITS, deterministicBatchId, provisionStreams, publishBatches } from '@sim2real/messaging';
import type { LabelledBatch } from '@sim2real/contracts';
import { faceBatch } from '@sim2real/face-regressor';
import { iterateFaces, loadBackgrounds, type FaceSample, type FaceStyle } from '@sim2real/face-synth';
import { startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { NATS_AUTH_HELP, NATS_OPTION, connectCommandNats, optionalInt, optionalString, requireString } from '../options.js';
import { Progress } from '../progress.js';
import { photosDir } from './face-translation.js';

const DATASET_TOKEN = /^[A-Za-z0-9_-]+$/;

const PUBLISH_USAGE = `Usage: sim2real publish faces --count N --dataset NAME [--style sim|real] [options]

Renders N synthetic faces (procedural 3D morphable model, 100 shape coefficients) and publishes
them to NATS JetStream, subject sim2real.batches.synthetic.<NAME>, as LabelledBatch messages:
PNG images, label = the coefficient vector. The same --seed renders the same faces (and batch
ids), so publishing again stores nothing twice within the de-duplication window.

Options:
  --count N         faces to publish (required)
  --dataset NAME    dataset name: letters, digits, "_" and "-" (required)
  --style STYLE     sim (flat render) or real (photo-like stand-in)        [default: sim]
  --batch N         faces per batch                                       [default: 32]
  --size N          image width and height in pixels                      [default: 64]
  --seed N          seed of the face set                                  [default: 0]
  --photos DIR      backgrounds of real-style faces  [default: SIM2REAL_PHOTOS_DIR, then ../shared/data/photos]
  --nats URL        NATS server                   [default: NATS_URL, then nats://127.0.0.1:4222]
${NATS_AUTH_HELP}

Example:
  sim2real publish faces --count 2000 --dataset faces --batch 32
`;

export const publishFacesCommand: CommandSpec = {
  name: 'publish faces',
  usage: PUBLISH_USAGE,
  options: {
    count: { type: 'string' },
    dataset: { type: 'string' },
    style: { type: 'string' },
    batch: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    photos: { type: 'string' },
    ...NATS_OPTION,
  },
  run: runPublishFaces,
};

/** The --style flag of the face commands: sim (default) or real. */
export function faceStyle(options: ParsedOptions, command: string): FaceStyle {
  const style = optionalString(options, 'style') ?? 'sim';
  if (style !== 'sim' && style !== 'real') throw new UsageError(`--style must be "sim" or "real", got "${style}".`, command);
  return style;
}

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

async function runPublishFaces(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = publishFacesCommand.name;
  const count = optionalInt(options, 'count', name, { min: 1, max: 10_000_000 });
  if (count === undefined) throw new UsageError('--count is required.', name);
  const dataset = requireString(options, 'dataset', name);
  if (!DATASET_TOKEN.test(dataset)) throw new UsageError(`--dataset must be letters, digits, "_" or "-", got "${dataset}".`, name);
  const style = faceStyle(options, name);
  const batchSize = optionalInt(options, 'batch', name, { min: 1, max: 10_000 }) ?? 32;
  const size = optionalInt(options, 'size', name, { min: 8, max: 1024 }) ?? 64;
  const seed = optionalInt(options, 'seed', name) ?? 0;
  const backgrounds = style === 'real' ? await loadBackgrounds(photosDir(options, ctx.env)) : undefined;

  const telemetry = startTelemetry(telemetryOptionsFromEnv(ctx.env, 'sim2real-publish'));
  const nc = await connectCommandNats(options, ctx.env, 'publish', 'sim2real-publish-faces');
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
