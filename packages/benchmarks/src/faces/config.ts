import { FlagError, defineFlags, type FlagValues } from '@sim2real/flags';
import { PRESET_NAMES, presetValues, type PresetName, type TranslationOptions } from '@sim2real/translation';
import { SHARED_FLAGS, orSized, translatorOptions } from '../flags.js';

/** The counts of a full run and of a `--quick` one, for the flags whose default depends on it. */
const SIZES = {
  trainFaces: { full: 3000, quick: 300 },
  testFaces: { full: 300, quick: 100 },
  regressorSteps: { full: 900, quick: 60 },
  translatorSteps: { full: undefined, quick: 24 },
} as const;
const sized = (sizes: { readonly full: unknown; readonly quick: unknown }): string => `${String(sizes.full)}; quick ${String(sizes.quick)}`;

export const FACES_SCRIPT = {
  usage: 'npm run bench:faces -- --out DIR [--quick] [options]',
  description: `The paper's Table 4 setting, offline (no NATS): a 3DMM regressor is trained on
  baseline  rendered faces (sim style)
  adapted   the same renders translated to the real style by a model trained here (ours)
  oracle    real-style faces (labelled real data, the upper bound)
  label_consistent  with --label-consistent: the renders translated by a second model, trained
            label-consistent on the renders' first K coefficients (a regression head)
and scored (MSE of the first K shape coefficients) on held-out real-style faces. All rows use the
same network, seed and number of steps. Writes OUT/results.json, OUT/strip.png (sim | translated |
attention | real twin), OUT/test (the test faces, labels.jsonl) and the translation model in
OUT/translator. BENCHMARKS.md gives the time a run takes; --quick takes a few minutes (and measures
little).

Why K = 10 by default: the model's σ_k decays as exp(−k/6); past the tenth component a coefficient
moves the surface by well under a pixel at 64 px, so every row scores ≈ 1 (its prior variance)
there and the tail only dilutes the comparison. --eval-coefficients 100 scores all of them.

Example:
  npm run bench:faces -- --out bench/faces --vgg ../shared/weights/vgg19-block3`,
  flags: defineFlags({
    out: { kind: 'string', value: 'DIR', help: 'output folder', required: true },
    quick: { kind: 'boolean', help: 'small sizes and few steps' },
    train: { kind: 'integer', help: 'training faces per domain', min: 8, defaultText: sized(SIZES.trainFaces) },
    test: { kind: 'integer', help: 'real-style test faces', min: 1, defaultText: sized(SIZES.testFaces) },
    size: { kind: 'integer', help: 'image size in pixels, a multiple of 16', default: 32, min: 16, max: 256 },
    steps: { kind: 'integer', help: 'regressor steps (batch 32)', min: 1, defaultText: sized(SIZES.regressorSteps) },
    'translator-steps': { kind: 'integer', help: 'translation training steps', min: 3, defaultText: `the preset's: ${presetValues('steps')}; quick ${SIZES.translatorSteps.quick}` },
    preset: { kind: 'string', value: 'NAME', help: "the translator's preset", choices: PRESET_NAMES, default: 'faces' },
    translator: { kind: 'string', value: 'DIR', help: 'reuse a trained translation model instead of training one' },
    'label-consistent': { kind: 'boolean', help: 'also train a label-consistent translator (same options) and add its row' },
    'eval-coefficients': { kind: 'integer', value: 'K', help: 'coefficients regressed and scored', default: 10, min: 1, max: 100 },
    seed: { kind: 'integer', help: 'seed of faces and networks', default: 0, max: 2 ** 31 - 1 },
    ...SHARED_FLAGS,
  }),
};

export type FacesFlags = FlagValues<typeof FACES_SCRIPT.flags>;

/** Everything the run is sized by (also `results.json`'s `config`). */
export interface FacesConfig {
  quick: boolean;
  trainFaces: number;
  testFaces: number;
  size: number;
  regressorSteps: number;
  /** Given by --translator-steps (or --quick); else the preset's. */
  translatorSteps: number | undefined;
  preset: PresetName;
  evalCoefficients: number;
  seed: number;
  photosDir: string;
  vggDir: string | undefined;
  translatorDir: string | undefined;
  /** --translator-config's options, over the preset's. */
  translatorExtra: TranslationOptions;
  /** Also train a label-consistent translator on the renders' first evalCoefficients coefficients. */
  labelConsistent: boolean;
}

/** The config of a run from its flags; throws `FlagError` for what the table cannot check. */
export async function facesConfig(flags: FacesFlags): Promise<FacesConfig> {
  const { quick, size } = flags;
  if (size % 16 !== 0) throw new FlagError(`--size must be a multiple of 16, got ${size}.`, 'size');
  return {
    quick,
    trainFaces: orSized(flags.train, quick, SIZES.trainFaces),
    testFaces: orSized(flags.test, quick, SIZES.testFaces),
    size,
    regressorSteps: orSized(flags.steps, quick, SIZES.regressorSteps),
    translatorSteps: orSized<number | undefined>(flags['translator-steps'], quick, SIZES.translatorSteps),
    preset: flags.preset,
    evalCoefficients: flags['eval-coefficients'],
    seed: flags.seed,
    photosDir: flags.photos,
    vggDir: flags.vgg,
    translatorDir: flags.translator,
    translatorExtra: await translatorOptions(flags['translator-config']),
    labelConsistent: flags['label-consistent'],
  };
}
