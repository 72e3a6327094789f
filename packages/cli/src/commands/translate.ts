import { initBackend } from '@sim2real/tensor';
import { listImageFiles } from '@sim2real/imaging';
import type { SkippedFile } from '@sim2real/imaging';
import { loadEngine, translateFolder } from '@sim2real/inference';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { Progress } from '@sim2real/progress';
import { BACKEND_FLAGS, ENGINE_FLAGS, MAX_PIXELS_FLAGS, reportSkipped } from './shared.js';

/** The flags of `sim2real translate`. */
const TRANSLATE_FLAGS = defineFlags({
  model: { kind: 'string', value: 'MODEL_DIR', help: "a model folder written by 'sim2real train'", required: true },
  in: { kind: 'string', value: 'DIR', help: 'images to translate', required: true },
  out: { kind: 'string', value: 'DIR', help: 'translated images G(x)', required: true },
  'attention-out': { kind: 'string', value: 'DIR', help: 'also write the attention masks A(x), grey PNGs' },
  'initial-out': { kind: 'string', value: 'DIR', help: "also write the vanilla generator's output G0(x)" },
  draws: { kind: 'integer', help: 'translations of each image under N noise draws', default: 1, min: 1, max: 64 },
  batch: { kind: 'integer', help: 'images per forward pass', default: 16, min: 1, max: 1024 },
  ...ENGINE_FLAGS,
  ...BACKEND_FLAGS,
  ...MAX_PIXELS_FLAGS,
});

export const translateCommand: CommandSpec = defineCommand({
  name: 'translate',
  synopsis: '--model MODEL_DIR --in DIR --out DIR [options]',
  description: `Translates every PNG/JPEG under --in with a trained model and writes one PNG per input under
--out, mirroring relative paths (digits/7/00012.jpg → OUT/digits/7/00012.png) at the input's
width and height. Images are resized to the model's size on the way in and back on the way out.
A model with a noise input (noiseSize > 0) can translate each image into several looks (--draws):
draw k > 0 of digits/7/00012.jpg goes to OUT/digits/7/00012-draw<k>.png; every draw is reproducible.`,
  flags: TRANSLATE_FLAGS,
  epilogue: `Exit codes: 0 done; 1 failed, or done with some input files skipped (listed); 2 bad usage.

Example:
  sim2real translate --model models/faces/v1 --in renders/ --out adapted/ --attention-out masks/`,
  run: runTranslate,
});

async function runTranslate(flags: FlagValues<typeof TRANSLATE_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { model: modelDir, in: inDir, draws } = flags;
  await initBackend({ backend: flags.backend });
  const files = await listImageFiles(inDir);
  if (files.length === 0) throw new Error(`--in ${inDir} holds no PNG or JPEG image.`);
  const engine = await loadEngine(modelDir, { engine: flags.engine, threads: flags.threads });
  ctx.stderr.write(`${JSON.stringify({ event: 'inference_engine', engine: engine.info.kind, description: engine.info.description, reason: engine.info.reason })}\n`);
  if (draws > 1 && engine.noiseSize === 0) {
    await engine.dispose();
    throw new UsageError(`--draws ${draws} needs a model with a noise input, and ${modelDir} has none (noiseSize 0).`, translateCommand.name);
  }
  const progress = new Progress({ label: 'translate', total: files.length, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
  let skipped: SkippedFile[];
  try {
    skipped = await translateFolder(engine, files, {
      inDir,
      out: flags.out,
      attentionOut: flags['attention-out'],
      initialOut: flags['initial-out'],
      draws,
      batchSize: flags.batch,
      maxPixels: flags['max-pixels'],
      signal: ctx.signal,
      onSkipped: ({ file, reason }) => ctx.stderr.write(`${ctx.interactive ? '\n' : ''}skipped ${file}: ${reason}\n`),
      onProgress: (done, skippedSoFar) => progress.update(done, { skipped: skippedSoFar }),
    });
  } finally {
    await engine.dispose();
  }
  progress.finish();
  if (ctx.signal.aborted) throw new Error('interrupted: the images written so far are complete, the rest were not translated.');
  if (skipped.length > 0) throw new PartialFailureError(reportSkipped(skipped));
  return 0;
}
