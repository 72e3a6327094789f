import { LabelledFolderError, readFolderLabels, sourceLabelsOf } from '@sim2real/datasets';
import type { FolderLabels, SourceLabels } from '@sim2real/datasets';
import { defaultTrainingThreads, initBackend, MAX_WASM_THREADS } from '@sim2real/tensor';
import { loadImageFolder } from '@sim2real/imaging';
import type { SkippedFile } from '@sim2real/imaging';
import { ConfigError, PRESETS, PRESET_NAMES, readTranslationOptions, resolveTranslationConfig, train, withPreset } from '@sim2real/translation';
import type { PresetName, PresetOptions, TrainingEvent, TranslationConfig, TranslationOptions } from '@sim2real/translation';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues, IntegerFlag } from '@sim2real/flags';
import { exportAfterTraining } from './export.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { VGG_FLAGS } from '../options.js';
import { Progress } from '@sim2real/progress';
import { BACKEND_FLAGS, MAX_PIXELS_FLAGS, reportSkipped } from './shared.js';

/** The flags that set one translation option each; their defaults in --help come from PRESETS. */
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

/** The preset a run takes when neither --preset nor --config names one (withPreset always names one). */
const DEFAULT_PRESET: PresetName = withPreset().preset!;

/** A flag's default as --help shows it: the default preset's value, then each other preset's where it differs. */
function presetDefaults(entry: OptionFlag): string {
  const valueIn = (name: PresetName): string =>
    'perRun' in entry ? `steps/${PRESETS[name].options[entry.perRun]}` : String(resolveTranslationConfig({ preset: name })[entry.option]);
  const differing = PRESET_NAMES.filter((name) => name !== DEFAULT_PRESET && valueIn(name) !== valueIn(DEFAULT_PRESET));
  return [valueIn(DEFAULT_PRESET), ...differing.map((name) => `${name}: ${valueIn(name)}`)].join('; ');
}

/** OPTION_FLAGS as flag table entries: integers within their range, each with its default per preset. */
const OPTION_FLAG_TABLE = Object.fromEntries(
  OPTION_FLAGS.map((entry) => [entry.flag, { kind: 'integer', help: entry.help, min: entry.min, max: 'max' in entry ? entry.max : undefined, defaultText: presetDefaults(entry) }]),
) as { readonly [E in OptionFlag as E['flag']]: IntegerFlag };

/** `--threads`: the wasm backend threads of a training process; every core where it is the only trainer on the machine. */
const TRAINING_THREADS_FLAGS = defineFlags({
  threads: {
    kind: 'integer',
    help: 'wasm backend threads; give 1 each where several trainers share the machine',
    env: 'SIM2REAL_TRAIN_THREADS',
    default: defaultTrainingThreads(),
    defaultText: `the cores, at most ${MAX_WASM_THREADS}`,
    min: 1,
    max: MAX_WASM_THREADS,
  },
});

/** The flags of `sim2real train`. */
const TRAIN_FLAGS = defineFlags({
  source: { kind: 'string', value: 'DIR', help: 'synthetic images', required: true },
  target: { kind: 'string', value: 'DIR', help: 'real images', required: true },
  out: { kind: 'string', value: 'MODEL_DIR', help: 'where the model is written', required: true },
  preset: { kind: 'string', value: 'NAME', help: 'a named bundle of options, listed below', choices: PRESET_NAMES, defaultText: DEFAULT_PRESET },
  ...OPTION_FLAG_TABLE,
  'no-attention': { kind: 'boolean', help: 'train G0 only (stage 1); the mask is all ones' },
  'source-labels': {
    kind: 'boolean',
    help:
      "train label-consistent: --source is labelled as 'sim2real publish' reads it (class sub-folders, or DIR/labels.jsonl with " +
      'class indices or vectors); a task network learns the labels and G keeps them readable in G(x) (weight ' +
      `labelConsistencyWeight in --config, ${resolveTranslationConfig({}).labelConsistencyWeight} unless set). The model still translates ` +
      'without labels; its manifest records the label set',
  },
  config: {
    kind: 'string',
    value: 'FILE',
    help:
      'JSON object of further model and trainer options (TranslationOptions of @sim2real/translation, e.g. ' +
      '{"discriminatorWidth": 32, "lambda": {"step": 1e-5}}); it wins over the preset, and the flags above win over it',
  },
  ...VGG_FLAGS,
  resume: { kind: 'boolean', help: 'continue from the checkpoint in --out' },
  ...BACKEND_FLAGS,
  ...TRAINING_THREADS_FLAGS,
  ...MAX_PIXELS_FLAGS,
});

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

export const trainCommand: CommandSpec = defineCommand({
  name: 'train',
  synopsis: '--source DIR --target DIR --out MODEL_DIR [--preset NAME] [options]',
  description: `Trains a sim→real generator (Show, Attend and Translate) on two unpaired image folders:
stage 1 the vanilla generator G0, stage 2 the attention branch, stage 3 both at a lower
learning rate. Every PNG/JPEG under --source and --target is read recursively (labels and
sub-folders are ignored, unless --source-labels). MODEL_DIR becomes one servable model version; sample grids
(input | G0 | attention | output) go to MODEL_DIR/samples, losses and λ to MODEL_DIR/train-log.jsonl.
The λ interval, the stage lengths and the sample and checkpoint cadence scale with --steps.
A run shorter, or on fewer images, than any measured to adapt is announced with a warning at start.
MODEL_DIR/report.html shows all of it and is kept current during the run (sim2real report rebuilds it).
Where presets differ, an option's default is given per preset ("default: 1200; paper: 2000").`,
  flags: TRAIN_FLAGS,
  epilogue: `Presets (what each sets; options that no preset sets have one default; BENCHMARKS.md says why):
${PRESET_NAMES.map((name) => presetLines(name, 88).map((line, i) => `  ${(i === 0 ? name : '').padEnd(9)} ${line}`).join('\n')).join('\n')}
  A "…PerRun" count sets an interval of steps/count (λ: at least 2 steps), so it scales with --steps.

Exit codes: 0 done; 1 failed, or done with some input files skipped (listed); 2 bad usage.

Example:
  sim2real train --source renders/ --target photos/ --out models/faces/v1 --size 32 \\
    --vgg ../shared/weights/vgg19-block3
  sim2real train --preset paper --source renders/ --target photos/ --out models/faces/paper`,
  run: runTrain,
});

async function runTrain(flags: FlagValues<typeof TRAIN_FLAGS>, _positionals: string[], ctx: CommandContext): Promise<number> {
  const { source: sourceDir, target: targetDir, out: modelDir, preset, 'max-pixels': maxPixels } = flags;
  const fromFlags: Record<string, unknown> = Object.fromEntries(OPTION_FLAGS.map((entry) => [entry.option, flags[entry.flag]]));
  if (flags['no-attention']) fromFlags.attention = false;
  if (flags['source-labels']) fromFlags.labelConsistent = true;
  if (preset !== undefined) fromFlags.preset = preset;
  const given = Object.fromEntries(Object.entries(fromFlags).filter(([, value]) => value !== undefined)) as TranslationOptions;
  const fromFile = flags.config === undefined ? {} : await readTranslationOptions(flags.config).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(`--config ${error.message}`, trainCommand.name) : error;
  });
  const config = resolveTranslationConfig({ ...fromFile, ...given });
  const folderLabels = config.labelConsistent
    ? await readFolderLabels(sourceDir, { signal: ctx.signal }).catch((error: unknown) => {
        throw asUsageError(error);
      })
    : undefined;

  await initBackend({ backend: flags.backend, threads: flags.threads });

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
    `training on ${source.count} source and ${target.count} target images at ${config.imageSize} px, preset ${preset ?? fromFile.preset ?? DEFAULT_PRESET}: ` +
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
    vggDir: flags.vgg,
    resume: flags.resume,
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
