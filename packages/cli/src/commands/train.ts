import { readFile } from 'node:fs/promises';
import { LabelledFolderError, readFolderLabels, sourceLabelsOf } from '@sim2real/datasets';
import type { FolderLabels, SourceLabels } from '@sim2real/datasets';
import { defaultTrainingThreads, initBackend, MAX_WASM_THREADS } from '@sim2real/tensor';
import { loadImageFolder } from '@sim2real/imaging';
import type { SkippedFile } from '@sim2real/imaging';
import { PRESETS, PRESET_NAMES, isPresetName, resolveTranslationConfig, train } from '@sim2real/translation';
import type { PresetName, PresetOptions, TrainingEvent, TranslationConfig, TranslationOptions } from '@sim2real/translation';
import { exportAfterTraining } from './export.js';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { optionalInt, optionalString, requireString, vggDir } from '../options.js';
import { Progress } from '@sim2real/progress';
import { backendChoice, reportSkipped } from './shared.js';

/** The flags that set one translation option each; their help lines and defaults come from here and PRESETS. */
const OPTION_FLAGS = [
  { flag: 'size', option: 'imageSize', help: 'training resolution in pixels', min: 8, max: 1024 },
  { flag: 'steps', option: 'steps', help: 'total steps over the three stages', min: 1 },
  { flag: 'batch', option: 'batchSize', help: 'images per step', min: 1, max: 256 },
  { flag: 'width', option: 'generatorWidth', help: 'base width of G0 (ngf)', min: 1, max: 512 },
  { flag: 'blocks', option: 'residualBlocks', help: 'residual blocks in G0', min: 0, max: 64 },
  { flag: 'seed', option: 'seed', help: 'random seed', min: 0 },
  { flag: 'sample-every', option: 'sampleEverySteps', help: 'write a sample grid every N steps', min: 1, perRun: 'samplesPerRun' },
  { flag: 'checkpoint-every', option: 'checkpointEverySteps', help: 'write a checkpoint every N steps', min: 1, perRun: 'checkpointsPerRun' },
] as const satisfies readonly {
  flag: string;
  option: keyof TranslationOptions & keyof TranslationConfig;
  help: string;
  min: number;
  max?: number;
  perRun?: keyof PresetOptions;
}[];

type OptionFlag = (typeof OPTION_FLAGS)[number];

/** `[default: …]` of a flag: one value, or each preset's where they differ. */
function flagDefault(entry: OptionFlag): string {
  const values = PRESET_NAMES.map((name) => {
    const preset = PRESETS[name].options;
    if ('perRun' in entry) return `steps/${preset[entry.perRun]}`;
    return String(resolveTranslationConfig({ preset: name })[entry.option]);
  });
  if (values.every((value) => value === values[0])) return `[default: ${values[0]}]`;
  return `[${PRESET_NAMES.map((name, i) => `${name}: ${values[i]}`).join('; ')}]`;
}

/** `items` joined with `separator` into lines of at most `width` characters. */
function wrap(items: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + separator.length + item.length <= width) lines[last] += `${separator}${item}`;
    else lines.push(item);
  }
  return lines;
}

/** A preset's summary, then `key value, …` of what it sets. */
function presetLines(name: PresetName, width: number): string[] {
  const flat = Object.entries(PRESETS[name].options).flatMap(([key, value]) =>
    typeof value === 'object' ? Object.entries(value).map(([inner, v]) => `${key}.${inner} ${String(v)}`) : [`${key} ${String(value)}`],
  );
  const settings = wrap(flat, ', ', width);
  return [...wrap(`${PRESETS[name].summary}.`.split(' '), ' ', width), ...settings.map((line, i) => (i < settings.length - 1 ? `${line},` : line))];
}

const pad = (text: string, width: number): string => text.padEnd(width);

const USAGE = `Usage: sim2real train --source DIR --target DIR --out MODEL_DIR [--preset NAME] [options]

Trains a sim→real generator (Show, Attend and Translate) on two unpaired image folders:
stage 1 the vanilla generator G0, stage 2 the attention branch, stage 3 both at a lower
learning rate. Every PNG/JPEG under --source and --target is read recursively (labels and
sub-folders are ignored, unless --source-labels). MODEL_DIR becomes one servable model version; sample grids
(input | G0 | attention | output) go to MODEL_DIR/samples, losses and λ to MODEL_DIR/train-log.jsonl.
The λ interval, the stage lengths and the sample and checkpoint cadence scale with --steps.
A run shorter, or on fewer images, than any measured to adapt is announced with a warning at start.
MODEL_DIR/report.html shows all of it and is kept current during the run (sim2real report rebuilds it).

Options:
  --source DIR          synthetic images (required)
  --target DIR          real images (required)
  --out MODEL_DIR       where the model is written (required)
  --preset NAME         a named bundle of options (below): ${PRESET_NAMES.join(' | ')}   [default: default]
${OPTION_FLAGS.map((entry) => `  ${pad(`--${entry.flag} N`, 20)}  ${pad(entry.help, 36)} ${flagDefault(entry)}`).join('\n')}
  --no-attention        train G0 only (stage 1); the mask is all ones
  --source-labels       train label-consistent: --source is labelled as 'sim2real publish' reads it
                        (class sub-folders, or DIR/labels.jsonl with class indices or vectors);
                        a task network learns the labels and G keeps them readable in G(x)
                        (weight labelConsistencyWeight in --config [default: 1]). The model
                        still translates without labels; its manifest records the label set
  --config FILE         JSON object of further model and trainer options (TranslationOptions of
                        @sim2real/translation, e.g. {"discriminatorWidth": 32, "lambda": {"step": 1e-5}});
                        it wins over the preset, and the flags above win over it
  --vgg DIR             VGG-19 weights (TensorFlow.js layers format); also SIM2REAL_VGG_DIR.
                        Without them: pixel L1 self-regularisation and a random attention
                        encoder (degraded mode, announced)
  --resume              continue from the checkpoint in --out
  --backend NAME        auto | tensorflow-gpu | tensorflow | wasm | cpu (also TFJS_BACKEND)
  --threads N           wasm backend threads, 1 to 8; also SIM2REAL_TRAIN_THREADS. Give 1 each
                        where several trainers share the machine   [default: the cores, at most 8]
  --max-pixels N        refuse input images with more pixels than this [default: 16777216]

Presets (what each sets; options that no preset sets have one default; BENCHMARKS.md says why):
${PRESET_NAMES.map((name) => presetLines(name, 88).map((line, i) => `  ${pad(i === 0 ? name : '', 9)} ${line}`).join('\n')).join('\n')}
  A "…PerRun" count sets an interval of steps/count (λ: at least 2 steps), so it scales with --steps.

Exit codes: 0 done; 1 failed, or done with some input files skipped (listed); 2 bad usage.

Example:
  sim2real train --source renders/ --target photos/ --out models/faces/v1 --size 32 \\
    --vgg ../shared/weights/vgg19-block3
  sim2real train --preset paper --source renders/ --target photos/ --out models/faces/paper
`;

export const trainCommand: CommandSpec = {
  name: 'train',
  usage: USAGE,
  options: {
    source: { type: 'string' },
    target: { type: 'string' },
    out: { type: 'string' },
    preset: { type: 'string' },
    ...Object.fromEntries(OPTION_FLAGS.map((entry) => [entry.flag, { type: 'string' as const }])),
    'no-attention': { type: 'boolean' },
    'source-labels': { type: 'boolean' },
    config: { type: 'string' },
    vgg: { type: 'string' },
    resume: { type: 'boolean' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    'max-pixels': { type: 'string' },
  },
  run: runTrain,
};

async function runTrain(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = trainCommand.name;
  const sourceDir = requireString(options, 'source', name);
  const targetDir = requireString(options, 'target', name);
  const modelDir = requireString(options, 'out', name);
  const preset = optionalString(options, 'preset');
  if (preset !== undefined && !isPresetName(preset)) {
    throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${preset}".`, name);
  }
  const flags: Record<string, unknown> = Object.fromEntries(
    OPTION_FLAGS.map((entry) => [entry.option, optionalInt(options, entry.flag, name, { min: entry.min, max: 'max' in entry ? entry.max : undefined })]),
  );
  if (options['no-attention'] === true) flags.attention = false;
  if (options['source-labels'] === true) flags.labelConsistent = true;
  if (preset !== undefined) flags.preset = preset;
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as TranslationOptions;
  const fromFile = await translationOptionsFile(optionalString(options, 'config'), '--config', name);
  const config = resolveTranslationConfig({ ...fromFile, ...given });
  const maxPixels = optionalInt(options, 'max-pixels', name, { min: 1 });
  const folderLabels = config.labelConsistent
    ? await readFolderLabels(sourceDir, { signal: ctx.signal }).catch((error: unknown) => {
        throw asUsageError(error);
      })
    : undefined;

  await initBackend({ backend: backendChoice(optionalString(options, 'backend') ?? ctx.env.TFJS_BACKEND, name), threads: trainingThreads(options, ctx.env, name) });

  const skipped: SkippedFile[] = [];
  const loadDomain = async (dir: string, domain: string) => {
    const loaded = await loadImageFolder(dir, { size: config.imageSize, maxPixels, signal: ctx.signal });
    for (const file of loaded.skipped) ctx.stderr.write(`skipped ${file.file}: ${file.reason}\n`);
    skipped.push(...loaded.skipped);
    if (loaded.images.count === 0) {
      throw new Error(`--${domain} ${dir} holds no readable PNG or JPEG image.`);
    }
    return loaded;
  };
  const { images: source, files: sourceFiles } = await loadDomain(sourceDir, 'source');
  const { images: target } = await loadDomain(targetDir, 'target');
  const sourceLabels = folderLabels && labelsOfLoaded(folderLabels, sourceFiles, sourceDir);
  ctx.stderr.write(
    `training on ${source.count} source and ${target.count} target images at ${config.imageSize} px, preset ${preset ?? fromFile.preset ?? 'default'}: ` +
      `${config.steps} steps of ${config.batchSize}, ngf ${config.generatorWidth}, ${config.residualBlocks} blocks` +
      `${folderLabels ? `, label-consistent on ${folderLabels.kind === 'class' ? `${folderLabels.classNames.length} classes` : `${folderLabels.dimensions}-value label vectors`}` : ''}\n`,
  );

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
    sourceLabels,
    modelDir,
    config,
    vggDir: vggDir(options, ctx.env),
    resume: options.resume === true,
    signal: ctx.signal,
    onEvent,
  });
  progress.finish();
  ctx.stdout.write(`model written to ${result.modelDir} (${result.steps} steps, λ=${Number(result.lambda.toPrecision(6))}${result.degraded ? ', degraded: no VGG weights' : ''})\n`);
  await exportAfterTraining(result.modelDir, ctx);
  if (skipped.length > 0) throw new PartialFailureError(reportSkipped(skipped));
  return 0;
}

/** A labelled folder's problem (no labels, labels a task network cannot learn, an image without one) as a usage error (exit 2). */
function asUsageError(error: unknown): unknown {
  return error instanceof LabelledFolderError ? new UsageError(`--source-labels: ${error.message}`, trainCommand.name) : error;
}

/** The labels of the --source images, in their loaded order: class sub-folders or labels.jsonl, read as `publish` reads them. */
function labelsOfLoaded(labels: FolderLabels, files: readonly string[], dir: string): SourceLabels {
  try {
    return sourceLabelsOf(labels, files, dir);
  } catch (error) {
    throw asUsageError(error);
  }
}

/**
 * The wasm backend threads of a training process: `--threads`, then `SIM2REAL_TRAIN_THREADS`, then every
 * core (`defaultTrainingThreads`: the process is taken to be the only trainer on the machine).
 */
export function trainingThreads(options: ParsedOptions, env: NodeJS.ProcessEnv, command: string): number {
  const range = { min: 1, max: MAX_WASM_THREADS };
  const fromEnv = () => {
    const raw = env.SIM2REAL_TRAIN_THREADS;
    const value = Number(raw);
    if (raw === undefined || raw === '') return undefined;
    if (Number.isInteger(value) && value >= range.min && value <= range.max) return value;
    throw new UsageError(`SIM2REAL_TRAIN_THREADS must be an integer from ${range.min} to ${range.max}, got "${raw}".`, command);
  };
  return optionalInt(options, 'threads', command, range) ?? fromEnv() ?? defaultTrainingThreads();
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
