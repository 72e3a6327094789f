import { iterateFaces, loadBackgrounds, writeFaceDataset } from '@sim2real/face-synth';
import type { FaceSample } from '@sim2real/face-synth';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { Progress } from '@sim2real/progress';
import { FACE_FLAGS } from './publish-faces.js';

const RENDER_FACES_FLAGS = defineFlags({
  count: FACE_FLAGS.count,
  out: { kind: 'string', value: 'DIR', help: 'output folder, created if missing', required: true },
  style: FACE_FLAGS.style,
  size: FACE_FLAGS.size,
  seed: FACE_FLAGS.seed,
  photos: {
    kind: 'string',
    value: 'DIR',
    help: 'backgrounds of real-style faces; without it, real-style faces get procedural clutter backgrounds',
    env: 'SIM2REAL_PHOTOS_DIR',
  },
});

export const renderFacesCommand: CommandSpec = defineCommand({
  name: 'render faces',
  synopsis: '--count N --out DIR [--style sim|real] [options]',
  description: `Renders synthetic faces of the procedural 3D morphable face model into a labelled folder:
DIR/<id>.png per face and DIR/labels.jsonl ({"file", "label"}: the 3DMM coefficient vector), the
layout 'sim2real train --source/--target' and 'sim2real publish --dir' read. The same --seed renders
the same faces in both styles (only their appearance differs), so a sim and a real folder make an
unpaired training set. Used by deploy/compose.yaml to make training data on a clean clone.`,
  flags: RENDER_FACES_FLAGS,
  epilogue: `Example:
  sim2real render faces --count 500 --style sim --out data/faces/sim
  sim2real render faces --count 500 --style real --seed 1 --out data/faces/real`,
  run: runRenderFaces,
});

async function runRenderFaces(flags: FlagValues<typeof RENDER_FACES_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { count, out, style, size, seed, photos } = flags;
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
