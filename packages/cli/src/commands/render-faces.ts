import { iterateFaces, loadBackgrounds, writeFaceDataset } from '@sim2real/face-synth';
import type { FaceSample } from '@sim2real/face-synth';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { optionalInt, optionalString, requireString } from '../options.js';
import { Progress } from '../progress.js';
import { faceStyle } from './publish-faces.js';

const USAGE = `Usage: sim2real render faces --count N --out DIR [--style sim|real] [options]

Renders synthetic faces of the procedural 3D morphable face model into a labelled folder:
DIR/<id>.png per face and DIR/labels.jsonl ({"file", "label"}: the 3DMM coefficient vector), the
layout 'sim2real train --source/--target' and 'sim2real publish --dir' read. The same --seed renders
the same faces in both styles (only their appearance differs), so a sim and a real folder make an
unpaired training set. Used by deploy/compose.yaml to make training data on a clean clone.

Options:
  --count N         faces to render (required)
  --out DIR         output folder, created if missing (required)
  --style STYLE     sim (flat render) or real (photo-like stand-in)        [default: sim]
  --size N          image width and height in pixels                      [default: 64]
  --seed N          seed of the face set                                  [default: 0]
  --photos DIR      backgrounds of real-style faces (also SIM2REAL_PHOTOS_DIR); without
                    either, real-style faces get procedural clutter backgrounds

Example:
  sim2real render faces --count 500 --style sim --out data/faces/sim
  sim2real render faces --count 500 --style real --seed 1 --out data/faces/real
`;

export const renderFacesCommand: CommandSpec = {
  name: 'render faces',
  usage: USAGE,
  options: {
    count: { type: 'string' },
    out: { type: 'string' },
    style: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    photos: { type: 'string' },
  },
  run: runRenderFaces,
};

async function runRenderFaces(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = renderFacesCommand.name;
  const count = optionalInt(options, 'count', name, { min: 1, max: 10_000_000 });
  if (count === undefined) throw new UsageError('--count is required.', name);
  const out = requireString(options, 'out', name);
  const style = faceStyle(options, name);
  const size = optionalInt(options, 'size', name, { min: 8, max: 1024 }) ?? 64;
  const seed = optionalInt(options, 'seed', name) ?? 0;
  const photos = optionalString(options, 'photos') ?? (ctx.env.SIM2REAL_PHOTOS_DIR || undefined);
  const backgrounds = style === 'real' && photos !== undefined ? await loadBackgrounds(photos) : undefined;
  const progress = new Progress({ label: 'render faces', total: count, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
  const faces: FaceSample[] = [];
  for await (const face of iterateFaces({ count, style, size, seed, backgrounds, signal: ctx.signal })) {
    faces.push(face);
    progress.update(faces.length);
  }
  progress.finish();
  await writeFaceDataset(out, faces);
  ctx.stdout.write(`${count} ${style} faces (${size} px, seed ${seed}${style === 'real' && !backgrounds ? ', procedural backgrounds' : ''}) written to ${out}\n`);
  return 0;
}
