import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '@sim2real/tensor';
import { decodeImage, encodePng, listImageFiles, resizeImage } from '@sim2real/imaging';
import type { GreyImage, RgbImage, SkippedFile } from '@sim2real/imaging';
import { loadEngine, translateImages } from '@sim2real/inference';
import type { InferenceEngine } from '@sim2real/inference';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { Progress } from '../progress.js';
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

interface Outputs {
  readonly out: string;
  readonly attentionOut?: string;
  readonly initialOut?: string;
  readonly draws: number;
}

async function runTranslate(flags: FlagValues<typeof TRANSLATE_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { model: modelDir, in: inDir, batch: batchSize, 'max-pixels': maxPixels } = flags;
  const outputs: Outputs = { out: flags.out, attentionOut: flags['attention-out'], initialOut: flags['initial-out'], draws: flags.draws };
  await initBackend({ backend: flags.backend });
  const files = await listImageFiles(inDir);
  if (files.length === 0) throw new Error(`--in ${inDir} holds no PNG or JPEG image.`);
  const engine = await loadEngine(modelDir, { engine: flags.engine, threads: flags.threads });
  ctx.stderr.write(`${JSON.stringify({ event: 'inference_engine', engine: engine.info.kind, description: engine.info.description, reason: engine.info.reason })}\n`);
  if (outputs.draws > 1 && engine.noiseSize === 0) {
    await engine.dispose();
    throw new UsageError(`--draws ${outputs.draws} needs a model with a noise input, and ${modelDir} has none (noiseSize 0).`, translateCommand.name);
  }
  const progress = new Progress({ label: 'translate', total: files.length, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
  const skipped: SkippedFile[] = [];
  try {
    for (let start = 0; start < files.length && !ctx.signal.aborted; start += batchSize) {
      const batch = files.slice(start, start + batchSize);
      const decoded = await Promise.all(
        batch.map(async (file) => {
          try {
            return { file, image: await decodeImage(await readFile(path.join(inDir, file)), { name: file, maxPixels }) };
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            ctx.stderr.write(`${ctx.interactive ? '\n' : ''}skipped ${file}: ${reason}\n`);
            skipped.push({ file, reason });
            return undefined;
          }
        }),
      );
      const ok = decoded.filter((d) => d !== undefined);
      if (ok.length > 0) await translateBatch(engine, ok, outputs);
      progress.update(start + batch.length, { skipped: skipped.length });
    }
  } finally {
    await engine.dispose();
  }
  progress.finish();
  if (ctx.signal.aborted) throw new Error('interrupted: the images written so far are complete, the rest were not translated.');
  if (skipped.length > 0) throw new PartialFailureError(reportSkipped(skipped));
  return 0;
}

/** Where draw `draw` of input `file` is written, relative to an output folder: x.jpg → x.png, x-draw1.png, … */
export function translatedFileName(file: string, draw = 0): string {
  return file.replace(/\.(png|jpe?g)$/i, '') + (draw === 0 ? '' : `-draw${draw}`) + '.png';
}

async function translateBatch(engine: InferenceEngine, items: { file: string; image: RgbImage }[], outputs: Outputs): Promise<void> {
  const images = items.map((i) => i.image);
  for (let draw = 0; draw < outputs.draws; draw++) {
    // The mask does not depend on the noise: one per image.
    const results = await translateImages(engine, images, { draw, initial: outputs.initialOut !== undefined, attention: outputs.attentionOut !== undefined && draw === 0 });
    await Promise.all(
      items.map(async ({ file, image }, i) => {
        const { image: translated, initial, attention } = results[i]!;
        const name = translatedFileName(file, draw);
        await writeAtInputSize(outputs.out, name, translated, image);
        if (initial && outputs.initialOut) await writeAtInputSize(outputs.initialOut, name, initial, image);
        if (attention && outputs.attentionOut) await writeAtInputSize(outputs.attentionOut, name, attention, image);
      }),
    );
  }
}

/** Writes `image` as `<dir>/<file>` (a .png name) resized back to the input's width and height. */
async function writeAtInputSize(dir: string, file: string, image: RgbImage | GreyImage, input: RgbImage): Promise<void> {
  const target = path.join(dir, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, await encodePng(await resizeImage(image, input.width, input.height)));
}
