import { readFile } from 'node:fs/promises';
import { initBackend } from '@sim2real/tensor';
import { loadImageFolder } from '@sim2real/imaging';
import type { SkippedFile } from '@sim2real/imaging';
import { resolveTranslationConfig, train } from '@sim2real/translation';
import type { TrainingEvent, TranslationOptions } from '@sim2real/translation';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { optionalInt, optionalString, requireString, vggDir } from '../options.js';
import { Progress } from '../progress.js';
import { backendChoice, reportSkipped } from './shared.js';

const USAGE = `Usage: sim2real train --source DIR --target DIR --out MODEL_DIR [options]

Trains a sim→real generator (Show, Attend and Translate) on two unpaired image folders:
stage 1 the vanilla generator G0, stage 2 the attention branch, stage 3 both at a lower
learning rate. Every PNG/JPEG under --source and --target is read recursively (labels and
sub-folders are ignored). MODEL_DIR becomes one servable model version; sample grids
(input | G0 | attention | output) go to MODEL_DIR/samples, losses and λ to MODEL_DIR/train-log.jsonl.
MODEL_DIR/report.html shows all of it and is kept current during the run (sim2real report rebuilds it).

Options:
  --source DIR          synthetic images (required)
  --target DIR          real images (required)
  --out MODEL_DIR       where the model is written (required)
  --size N              training resolution in pixels                 [default: 64]
  --steps N             total steps over the three stages             [default: 2000]
  --batch N             images per step                               [default: 1]
  --width N             base width of G0 (ngf)                         [default: 64]
  --blocks N            residual blocks in G0                          [default: 9]
  --no-attention        train G0 only (stage 1); the mask is all ones
  --config FILE         JSON object of further model and trainer options (TranslationOptions of
                        @sim2real/translation, e.g. {"discriminatorWidth": 32, "lambda": {"step": 1e-5}});
                        the flags above win over it
  --vgg DIR             VGG-19 weights (TensorFlow.js layers format); also SIM2REAL_VGG_DIR.
                        Without them: pixel L1 self-regularisation and a random attention
                        encoder (degraded mode, announced)
  --seed N              random seed                                    [default: 1]
  --sample-every N      write a sample grid every N steps              [default: 100]
  --checkpoint-every N  write a checkpoint every N steps               [default: 500]
  --resume              continue from the checkpoint in --out
  --backend NAME        auto | tensorflow-gpu | tensorflow | wasm | cpu (also TFJS_BACKEND)
  --max-pixels N        refuse input images with more pixels than this [default: 16777216]

Exit codes: 0 done; 1 failed, or done with some input files skipped (listed); 2 bad usage.

Example:
  sim2real train --source renders/ --target photos/ --out models/faces/v1 --size 64 --steps 2000 \\
    --vgg ../shared/weights/vgg19-block3
`;

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'train a sim→real generator on two image folders',
  usage: USAGE,
  options: {
    source: { type: 'string' },
    target: { type: 'string' },
    out: { type: 'string' },
    size: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    width: { type: 'string' },
    blocks: { type: 'string' },
    'no-attention': { type: 'boolean' },
    config: { type: 'string' },
    vgg: { type: 'string' },
    seed: { type: 'string' },
    'sample-every': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    resume: { type: 'boolean' },
    backend: { type: 'string' },
    'max-pixels': { type: 'string' },
  },
  run: runTrain,
};

async function runTrain(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = trainCommand.name;
  const sourceDir = requireString(options, 'source', name);
  const targetDir = requireString(options, 'target', name);
  const modelDir = requireString(options, 'out', name);
  const flags: TranslationOptions = {
    imageSize: optionalInt(options, 'size', name, { min: 8, max: 1024 }),
    steps: optionalInt(options, 'steps', name, { min: 1 }),
    batchSize: optionalInt(options, 'batch', name, { min: 1, max: 256 }),
    generatorWidth: optionalInt(options, 'width', name, { min: 1, max: 512 }),
    residualBlocks: optionalInt(options, 'blocks', name, { min: 0, max: 64 }),
    attention: options['no-attention'] === true ? false : undefined,
    seed: optionalInt(options, 'seed', name),
    sampleEverySteps: optionalInt(options, 'sample-every', name, { min: 1 }),
    checkpointEverySteps: optionalInt(options, 'checkpoint-every', name, { min: 1 }),
  };
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const config = resolveTranslationConfig({ ...(await translationOptionsFile(optionalString(options, 'config'), '--config', name)), ...given });
  const maxPixels = optionalInt(options, 'max-pixels', name, { min: 1 });

  await initBackend({ backend: backendChoice(optionalString(options, 'backend') ?? ctx.env.TFJS_BACKEND, name) });

  const skipped: SkippedFile[] = [];
  const loadDomain = async (dir: string, domain: string) => {
    const loaded = await loadImageFolder(dir, { size: config.imageSize, maxPixels, signal: ctx.signal });
    for (const file of loaded.skipped) ctx.stderr.write(`skipped ${file.file}: ${file.reason}\n`);
    skipped.push(...loaded.skipped);
    if (loaded.images.count === 0) {
      throw new Error(`--${domain} ${dir} holds no readable PNG or JPEG image.`);
    }
    return loaded.images;
  };
  const source = await loadDomain(sourceDir, 'source');
  const target = await loadDomain(targetDir, 'target');
  ctx.stderr.write(`training on ${source.count} source and ${target.count} target images at ${config.imageSize} px\n`);

  const progress = new Progress({ label: 'train', total: config.steps, stream: ctx.stderr, interactive: ctx.interactive, unit: 'steps' });
  const onEvent = (event: TrainingEvent): void => {
    if (event.kind === 'step') {
      progress.update(event.step, { stage: event.stage, lambda: event.lambda, ...event.losses });
    } else if (event.kind === 'warning' || event.kind === 'stage') {
      ctx.stderr.write(`${ctx.interactive ? '\n' : ''}${event.kind}: ${event.message ?? event.stage}\n`);
    }
  };
  const result = await train({
    source,
    target,
    modelDir,
    config,
    vggDir: vggDir(options, ctx.env),
    resume: options.resume === true,
    signal: ctx.signal,
    onEvent,
  });
  progress.finish();
  ctx.stdout.write(`model written to ${result.modelDir} (${result.steps} steps, λ=${Number(result.lambda.toPrecision(6))}${result.degraded ? ', degraded: no VGG weights' : ''})\n`);
  if (skipped.length > 0) throw new PartialFailureError(reportSkipped(skipped));
  return 0;
}

/** The JSON object of model options in `file` (given as `flag`), or nothing; resolveTranslationConfig validates the values. */
export async function translationOptionsFile(file: string | undefined, flag: string, command: string): Promise<TranslationOptions> {
  if (file === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag} ${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)}).`, command);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} ${file} must hold a JSON object.`, command);
  return parsed;
}
