import { z } from 'zod';
import { choice, flag, integer, list, parseConfig, real, sentence } from '@sim2real/config';
import { DISCRIMINATOR_AUGMENTS } from './discriminator-augment.js';
import { ConfigError } from './errors.js';

/** Conv layers of the VGG-19 prefix that the weights folder provides, in network order. */
export const VGG_CONV_LAYERS = [
  'block1_conv1',
  'block1_conv2',
  'block2_conv1',
  'block2_conv2',
  'block3_conv1',
  'block3_conv2',
  'block3_conv3',
  'block3_conv4',
] as const;
export type VggConvLayer = (typeof VGG_CONV_LAYERS)[number];

export const PRESET_NAMES = ['default', 'faces', 'paper'] as const;
/** A named bundle of options: `sim2real train --preset NAME`, StartTraining's `config.preset`. */
export type PresetName = (typeof PRESET_NAMES)[number];

const ADVERSARIAL_LOSSES = ['paper', 'lsgan'] as const;
const POLARITIES = ['same', 'either'] as const;
const UPSAMPLINGS = ['resize', 'transposed'] as const;
export type AdversarialLossKind = (typeof ADVERSARIAL_LOSSES)[number];
/** What the self-regularisation compares G(x) with: x ('same', the paper), or x or its negative, whichever is nearer. */
export type SelfRegularisationPolarity = (typeof POLARITIES)[number];
/** How the decoders of G0 and the attention branch double the resolution. */
export type UpsamplingKind = (typeof UPSAMPLINGS)[number];
export type StageName = 'g0' | 'attention' | 'joint';

const PRESET_DEFAULT = "Default: the preset's (PRESETS; `sim2real train --help` lists them).";
/** The perceptual layers and weights of the paper (eq. 4). */
const PAPER_PERCEPTUAL_LAYERS: readonly VggConvLayer[] = ['block1_conv1', 'block1_conv2', 'block2_conv1'];
const PAPER_PERCEPTUAL_WEIGHTS: readonly number[] = [1 / 32, 1 / 16, 1 / 8];

const LAMBDA_DOC = 'Adaptive weight induction of the self-regularisation weight λ (paper section 2).';
const lambdaSchema = z.object({
  threshold: real(0, 1e6, { minExclusive: true })
    .optional()
    .describe("Upper bound t_adv of G's adversarial loss averaged over an interval. Default: 2.0 for the 'paper' loss, 0.4 for 'lsgan' (BENCHMARKS.md, 'Earlier figures and what was tried')."),
  step: real(0, 1e6, { minExclusive: true }).default(1e-6).describe("Increase of λ per interval (BENCHMARKS.md, 'Calibrations behind constants in the code')."),
  intervalSteps: integer(1).optional().describe('Steps per interval; λ moves at most once per interval. Default: max(2, round(steps / intervalsPerRun)).'),
  intervalsPerRun: integer(1).describe(`Intervals the run is cut into when intervalSteps is not given. ${PRESET_DEFAULT}`),
  max: real(0, 1e9).default(0.01).describe('Upper bound of λ; reaching it freezes λ.'),
});

const stageSplitSchema = z
  .object({
    g0: real(0, 1).default(0.4).describe('Fraction of the steps for stage 1, G0 alone.'),
    attention: real(0, 1).default(0.3).describe('Fraction of the steps for stage 2, the attention branch with G0 frozen.'),
    joint: real(0, 1).default(0.3).describe('Fraction of the steps for stage 3, both together.'),
  })
  .prefault({})
  .describe('Fractions of steps given to the three training stages; they must sum to 1.');

/** Every option, as the preset and the shared defaults complete them (the options the presets set are required here). */
const completeOptionsSchema = z.object({
  preset: choice(PRESET_NAMES)
    .default('default')
    .describe("Bundle of defaults (PRESETS): 'default' the best measured, 'faces' the faces benchmark's, 'paper' the paper's setting; options given win."),
  imageSize: integer(8, 4096).default(64).describe('Side of the square model input, in pixels; a multiple of 4.'),
  generatorWidth: integer(1, 1024).describe(`Base width (ngf) of G0, in channels. ${PRESET_DEFAULT}`),
  residualBlocks: integer(0, 64).describe(`Residual blocks of G0. ${PRESET_DEFAULT}`),
  dilation: integer(1, 16).default(2).describe("Dilation of the residual blocks' convolutions."),
  noiseSize: integer(0, 64)
    .describe(`Length of the noise vector z ~ U(-1, 1) tiled over G0's input; 0 = the paper's image-only G0. Not in the paper: BENCHMARKS.md, 'Earlier figures and what was tried'. ${PRESET_DEFAULT}`),
  diversityWeight: real(0, 1e6)
    .describe(`Weight β of the diversity-sensitive term (DSGAN); needs noiseSize > 0 and an even batchSize. Not in the paper: BENCHMARKS.md, 'The diversity-sensitive term'. ${PRESET_DEFAULT}`),
  diversityCap: real(0, 1e6, { minExclusive: true }).default(1).describe("Cap τ of the diversity ratio, past which more variation earns nothing (BENCHMARKS.md, 'The diversity-sensitive term')."),
  attention: flag().default(true).describe('Train the attention branch (stages 2 and 3); false = G0 only, mask all ones.'),
  attentionWidth: integer(1, 1024).describe(`Width of the attention head's last upsampling conv, in channels (the first has twice this). ${PRESET_DEFAULT}`),
  attentionInitialMask: real(0, 0.999, { minExclusive: true })
    .default(0.5)
    .describe("The attention mask before training (the bias of its sigmoid), in (0, 1); the paper does not say: BENCHMARKS.md, 'Calibrations behind constants in the code'."),
  upsampling: choice(UPSAMPLINGS)
    .default('resize')
    .describe("Decoder upsampling: 'resize' = nearest ×2 + conv, 'transposed' = stride-2 transposed convs (the paper's). Not the paper's: BENCHMARKS.md, 'Calibrations behind constants in the code'."),
  discriminatorWidth: integer(1, 1024).describe(`Base width (ndf) of the PatchGAN discriminator, in channels. ${PRESET_DEFAULT}`),
  discriminatorDownsamplings: integer(1, 6).default(3).describe('Stride-2 layers of the discriminator (two stride-1 layers follow).'),
  discriminatorAugment: list(choice(DISCRIMINATOR_AUGMENTS))
    .default([])
    .describe("DiffAugment policies applied, in this order, to all D sees; [] = the paper's D. Not in the paper: BENCHMARKS.md, 'Earlier figures and what was tried'."),
  discriminatorBatchStddev: flag()
    .default(false)
    .describe("Give D the standard deviation of its features over the batch (ProGAN). Not in the paper: BENCHMARKS.md, 'Earlier figures and what was tried'."),
  adversarialLoss: choice(ADVERSARIAL_LOSSES).default('paper').describe("'paper' = non-saturating BCE on logits; 'lsgan' = least squares."),
  perceptualLayers: list(choice(VGG_CONV_LAYERS), { nonEmpty: true })
    .optional()
    .describe(`VGG-19 layers of the perceptual self-regularisation. Default: ${PAPER_PERCEPTUAL_LAYERS.join(', ')} (the paper's).`),
  perceptualWeights: list(real(0, 1e6))
    .optional()
    .describe('Weight per perceptual layer. Default: [1/32, 1/16, 1/8] for the default layers, else 1 per layer.'),
  selfRegularisationPolarity: choice(POLARITIES)
    .describe(`'same' = the distance of G(x) to x (the paper); 'either' = to x or -x, whichever is nearer. Not in the paper: BENCHMARKS.md, 'A self-regularisation that allows inversion'. ${PRESET_DEFAULT}`),
  lambda: lambdaSchema.describe(LAMBDA_DOC),
  learningRate: real(0, 1, { minExclusive: true }).default(2e-4).describe('Adam learning rate of stages 1 and 2.'),
  jointLearningRateScale: real(0, 1, { minExclusive: true }).default(0.1).describe('Learning rate of the joint stage, as a fraction of learningRate.'),
  refinementDiscriminatorRateScale: real(0, 1)
    .default(1)
    .describe("D's learning rate in the attention and joint stages, as a fraction of the stage's; 0 freezes D (BENCHMARKS.md, 'Earlier figures and what was tried')."),
  adamBeta1: real(0, 0.999999).default(0.5).describe('Adam β1.'),
  adamBeta2: real(0, 0.999999).default(0.999).describe('Adam β2.'),
  decayStartFraction: real(0, 1).default(0.5).describe('Fraction of each stage after which the learning rate decays linearly to 0.'),
  batchNormMomentum: real(0, 0.9999).default(0.9).describe('Momentum of the batch-norm moving statistics used at inference.'),
  stageSplit: stageSplitSchema,
  historyPoolSize: integer(0, 100_000).default(50).describe('Generated images the discriminator draws from (Shrivastava et al.); 0 disables.'),
  batchSize: integer(1, 4096).describe(`Images per batch. ${PRESET_DEFAULT}`),
  steps: integer(1).describe(`Training steps over all stages. ${PRESET_DEFAULT}`),
  seed: integer(0, 2 ** 31 - 1).default(1).describe('Seed of initialisers, sampling order and history pool.'),
  checkpointEverySteps: integer(1).optional().describe('Steps between checkpoints (one is always written at the end). Default: steps / checkpointsPerRun.'),
  checkpointsPerRun: integer(1).describe(`Checkpoints over the run when checkpointEverySteps is not given. ${PRESET_DEFAULT}`),
  sampleEverySteps: integer(1).optional().describe('Steps between sample grids. Default: steps / samplesPerRun.'),
  samplesPerRun: integer(1).describe(`Sample grids over the run when sampleEverySteps is not given. ${PRESET_DEFAULT}`),
  logEverySteps: integer(1).default(10).describe('Steps between lines of train-log.jsonl.'),
  sampleImages: integer(1, 64).default(4).describe('Source images per sample grid.'),
  labelConsistent: flag()
    .default(false)
    .describe("Train label-consistent from the source images' labels (PixelDA, CyCADA). Not in the paper: BENCHMARKS.md, 'The label-consistent row'."),
  labelConsistencyWeight: real(0, 1e6).default(1).describe("Weight μ of the task loss of G(x) in G's loss (BENCHMARKS.md, 'Calibrations behind constants in the code')."),
  taskNetworkWidth: integer(1, 1024).default(16).describe('Base width of the task network, in channels (its convs have 1, 2 and 4 times it).'),
  taskLearningRate: real(0, 1, { minExclusive: true }).default(1e-3).describe('Adam learning rate of the task network (constant).'),
});

/** The options that every preset sets. */
const PRESET_KEYS = {
  generatorWidth: true,
  residualBlocks: true,
  attentionWidth: true,
  discriminatorWidth: true,
  noiseSize: true,
  diversityWeight: true,
  selfRegularisationPolarity: true,
  batchSize: true,
  steps: true,
  samplesPerRun: true,
  checkpointsPerRun: true,
} as const;


/**
 * The options of `resolveTranslationConfig`, `sim2real train --config FILE` and StartTraining's overrides, all
 * optional; `config.schema.json` is this schema in JSON Schema (`npm run gen:schema -w @sim2real/translation`).
 */
export const translationOptionsSchema = completeOptionsSchema
  .partial(PRESET_KEYS)
  .extend({ lambda: lambdaSchema.partial({ intervalsPerRun: true }).prefault({}).describe(LAMBDA_DOC) })
  .meta({ title: 'sim2real train --config', description: 'Model and trainer options; every one is optional, the preset and the shared defaults fill the rest.' });
/** Every knob of the model and its trainer; all optional, defaults come from the preset (PRESETS), then the schema. */
export type TranslationOptions = z.input<typeof translationOptionsSchema>;
export type LambdaOptions = NonNullable<TranslationOptions['lambda']>;
/** The options every preset sets (each preset sets all of them, so that switching presets changes every one). */
export type PresetOptions = Required<Pick<TranslationOptions, keyof typeof PRESET_KEYS>> & { lambda: Required<Pick<LambdaOptions, 'intervalsPerRun'>> };

export interface Preset {
  /** One sentence for `--help`. */
  summary: string;
  options: PresetOptions;
}

/** The `default` preset's options, which other presets start from. */
const DEFAULT_PRESET_OPTIONS: PresetOptions = {
  generatorWidth: 16,
  residualBlocks: 3,
  attentionWidth: 16,
  discriminatorWidth: 16,
  noiseSize: 10,
  diversityWeight: 6,
  selfRegularisationPolarity: 'either',
  batchSize: 8,
  steps: 1200,
  lambda: { intervalsPerRun: 25 },
  samplesPerRun: 12,
  checkpointsPerRun: 4,
};

/**
 * The presets, the one table that `resolveTranslationConfig`, `sim2real train --help`, StartTraining and the
 * benchmarks read; why each value, measured, in BENCHMARKS.md ("Presets"). Options no preset sets have one
 * default, in the schema.
 */
export const PRESETS: Readonly<Record<PresetName, Readonly<Preset>>> = {
  default: {
    summary:
      "the best configuration measured (the digits benchmark's translator): a small G0 with a noise input and the " +
      'diversity term, a self-regularisation that allows inversion, batch 8, 1200 steps',
    options: DEFAULT_PRESET_OPTIONS,
  },
  faces: {
    summary:
      "the default with batch 4 and the paper's self-regularisation (no inversion): the faces benchmark's and the " +
      "demo's translator",
    options: { ...DEFAULT_PRESET_OPTIONS, selfRegularisationPolarity: 'same', batchSize: 4 },
  },
  paper: {
    summary:
      "the paper's setting (the library's defaults until 2026-12-07): ngf 64, 9 blocks, an image-only G0, the " +
      'distance to x as self-regularisation, batch 1, 2000 steps, λ moving once per 50 of them (1/40 of the run)',
    options: {
      generatorWidth: 64,
      residualBlocks: 9,
      attentionWidth: 64,
      discriminatorWidth: 64,
      noiseSize: 0,
      diversityWeight: 0,
      selfRegularisationPolarity: 'same',
      batchSize: 1,
      steps: 2000,
      lambda: { intervalsPerRun: 40 },
      samplesPerRun: 20,
      checkpointsPerRun: 4,
    },
  },
};

/** `default 1200, paper 2000`: one option's value in each preset, for help texts. */
export function presetValues(option: Exclude<keyof PresetOptions, 'lambda'>): string {
  return PRESET_NAMES.map((name) => `${name} ${String(PRESETS[name].options[option])}`).join(', ');
}

/** Whether `name` is a preset's name. */
export function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && (PRESET_NAMES as readonly string[]).includes(name);
}

const configError = (field: string, message: string): ConfigError => new ConfigError(field, message);

/**
 * `options` over the preset it names (or 'default'): nested groups (lambda, stageSplit) merge field by field, so
 * `{ lambda: { step: 1e-5 } }` keeps the preset's λ interval. Throws ConfigError for an unknown preset.
 */
export function withPreset(options: TranslationOptions = {}): TranslationOptions & PresetOptions {
  const { preset: name } = parseConfig(completeOptionsSchema.pick({ preset: true }), { preset: options.preset }, configError);
  const preset = PRESETS[name].options;
  const defined = <T extends object>(object: T): Partial<T> => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
  const given = defined(options);
  return { ...preset, ...given, preset: name, lambda: { ...preset.lambda, ...defined(options.lambda ?? {}) } };
}

/** Step counts of the stages that run, in order; stages with attention off are absent. */
export function stagePlan(config: Pick<TranslationConfig, 'attention' | 'steps' | 'stageSplit'>): { stage: StageName; steps: number }[] {
  if (!config.attention) return [{ stage: 'g0', steps: config.steps }];
  const g0 = Math.round(config.steps * config.stageSplit.g0);
  const attention = Math.round(config.steps * (config.stageSplit.g0 + config.stageSplit.attention)) - g0;
  return [
    { stage: 'g0', steps: g0 },
    { stage: 'attention', steps: attention },
    { stage: 'joint', steps: config.steps - g0 - attention },
  ];
}

/** The complete options resolved into a config: schedules given per run become steps, defaults that depend on other options are filled. */
const translationConfigSchema = completeOptionsSchema
  .transform(({ preset: _preset, checkpointsPerRun, samplesPerRun, ...options }) => {
    const { steps, lambda } = options;
    // Schedules given per run scale with `steps`; one given in steps wins.
    const perRun = (count: number): number => Math.max(1, Math.floor(steps / count));
    return {
      ...options,
      perceptualLayers: options.perceptualLayers ?? [...PAPER_PERCEPTUAL_LAYERS],
      perceptualWeights: options.perceptualWeights ?? options.perceptualLayers?.map(() => 1) ?? [...PAPER_PERCEPTUAL_WEIGHTS],
      lambda: {
        threshold: lambda.threshold ?? (options.adversarialLoss === 'paper' ? 2.0 : 0.4),
        step: lambda.step,
        intervalSteps: lambda.intervalSteps ?? Math.max(2, Math.round(steps / lambda.intervalsPerRun)),
        max: lambda.max,
      },
      checkpointEverySteps: options.checkpointEverySteps ?? perRun(checkpointsPerRun),
      sampleEverySteps: options.sampleEverySteps ?? perRun(samplesPerRun),
    };
  })
  .superRefine((config, ctx) => {
    const { perceptualLayers, perceptualWeights, stageSplit } = config;
    if (config.imageSize % 4 !== 0) ctx.addIssue(sentence('imageSize', `imageSize must be a multiple of 4 (two stride-2 stages), got ${config.imageSize}.`));
    if (perceptualWeights.length !== perceptualLayers.length) {
      ctx.addIssue(sentence('perceptualWeights', `perceptualWeights has ${perceptualWeights.length} entries but perceptualLayers has ${perceptualLayers.length}.`));
    }
    const splitSum = stageSplit.g0 + stageSplit.attention + stageSplit.joint;
    if (Math.abs(splitSum - 1) > 1e-6) ctx.addIssue(sentence('stageSplit', `stageSplit fractions must sum to 1, got ${splitSum}.`));
    if (config.diversityWeight > 0 && config.noiseSize === 0) {
      ctx.addIssue(sentence('diversityWeight', 'diversityWeight needs noise to vary: set noiseSize above 0, or diversityWeight to 0.'));
    }
    if (config.diversityWeight > 0 && config.batchSize % 2 !== 0) {
      ctx.addIssue(sentence('batchSize', `diversityWeight pairs each image with itself under other noise, so batchSize must be even, got ${config.batchSize}.`));
    }
    if (config.attention && stagePlan(config).some((s) => s.steps < 1)) {
      ctx.addIssue(
        sentence('steps', `steps ${config.steps} leaves a training stage empty under stageSplit ${JSON.stringify(stageSplit)}; give more steps or set attention to false.`),
      );
    }
  });

/** A validated, complete configuration (JSON-serialisable; stored in the model manifest). */
export type TranslationConfig = z.output<typeof translationConfigSchema>;
export type LambdaConfig = TranslationConfig['lambda'];
/** Fractions of `steps` given to the three training stages; they sum to 1. */
export type StageSplit = TranslationConfig['stageSplit'];

/** The dotted names in `options` (`wings`, `lambda.wings`) that name no translation option; the schema drops them unread. */
export function unknownTranslationOptions(options: Record<string, unknown>): string[] {
  const known = translationOptionsSchema.shape;
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key));
  const { lambda } = options;
  if (typeof lambda === 'object' && lambda !== null && !Array.isArray(lambda)) {
    unknown.push(...Object.keys(lambda).filter((key) => !Object.hasOwn(lambdaSchema.shape, key)).map((key) => `lambda.${key}`));
  }
  return unknown;
}

/** Fills defaults (the preset's, then the shared ones) and validates; throws ConfigError with one sentence naming the field. */
export function resolveTranslationConfig(given: TranslationOptions = {}): TranslationConfig {
  return parseConfig(translationConfigSchema, withPreset(given), configError);
}

/** `translationOptionsSchema` in JSON Schema (draft 2020-12): the text of `config.schema.json`. */
export function translationOptionsJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(translationOptionsSchema, { io: 'input' }), null, 2)}\n`;
}
