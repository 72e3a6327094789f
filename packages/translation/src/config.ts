import { DISCRIMINATOR_AUGMENTS, type DiscriminatorAugment } from './discriminator-augment.js';
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

export type AdversarialLossKind = 'paper' | 'lsgan';
/** What the self-regularisation compares G(x) with: x ('same', the paper), or x or its negative, whichever is nearer. */
export type SelfRegularisationPolarity = 'same' | 'either';
/** How the decoders of G0 and the attention branch double the resolution. */
export type UpsamplingKind = 'resize' | 'transposed';
export type StageName = 'g0' | 'attention' | 'joint';

/** Adaptive weight induction of the self-regularisation weight λ (paper section 2). */
export interface LambdaOptions {
  /**
   * Upper bound t_adv for the generator's adversarial loss averaged over one interval. For the 'paper' loss
   * 2.0 means D(G(x)) ≈ 0.14. With 1.0 (D(G(x)) ≈ 0.37) λ froze at its first step by step 150 of the digits
   * benchmark's G0 stage on every seed, and translations kept fewer labels (seed 1: 73 % against 89 %).
   * @default 2.0 for the 'paper' loss, 0.4 for 'lsgan'
   */
  threshold?: number;
  /**
   * Increase of λ per interval. The perceptual loss of eq. 4 on 0..255 VGG inputs is ~1e4 for a light change
   * of a photo and ~1e6 for a different image, so useful λ lie around 1e-6..1e-4.
   * @default 0.000001
   */
  step?: number;
  /** Steps per interval: λ moves at most once per interval. @default steps / intervalsPerRun */
  intervalSteps?: number;
  /**
   * When intervalSteps is not given, the run is cut into this many intervals (intervalSteps = max(2,
   * round(steps / intervalsPerRun))), so λ gets as many chances to move in a short run as in a long one.
   * @default the preset's (PRESETS)
   */
  intervalsPerRun?: number;
  /** λ never exceeds this; reaching it freezes λ. @default 0.01 */
  max?: number;
}

/** Fractions of `steps` given to the three training stages; they must sum to 1. */
export interface StageSplit {
  /** @default 0.4 */
  g0: number;
  /** @default 0.3 */
  attention: number;
  /** @default 0.3 */
  joint: number;
}

/** Every knob of the model and its trainer; all optional, defaults come from the preset (PRESETS). */
export interface TranslationOptions {
  /**
   * The named bundle of options under these (PRESETS): 'default' = the best configuration measured on the
   * benchmarks, 'paper' = the paper's setting (the library's defaults until 2026-12-07). Every option given
   * here wins over the preset's. @default 'default'
   */
  preset?: PresetName;
  /** Side of the square model input in pixels; a multiple of 4, at least 8. @default 64 */
  imageSize?: number;
  /** Base width (ngf) of G0. @default the preset's (PRESETS) */
  generatorWidth?: number;
  /** Residual blocks of G0. @default the preset's (PRESETS) */
  residualBlocks?: number;
  /** Dilation of the residual blocks' convolutions. @default 2 */
  dilation?: number;
  /**
   * Length of a noise vector z ~ U(-1, 1) that G0 takes besides the image, tiled over it as extra input
   * channels (as PixelDA and BicycleGAN do; not in the paper). A deterministic G0 maps each source image to
   * one appearance; with z, one image can come out over many backgrounds. Translators draw z from a hash of
   * the image, so one image always translates the same way. 0 = the paper's image-only G0; alone, 10 gained
   * a little on both benchmarks and lost on the demo; with diversityWeight 6 it is the benchmarks' and the
   * demo's setting (BENCHMARKS.md). @default the preset's (PRESETS)
   */
  noiseSize?: number;
  /**
   * Weight β of the diversity-sensitive term (Yang et al. 2019, DSGAN; Mao et al. 2019, MSGAN; not in the
   * paper): each training batch holds batchSize/2 source images twice, with different noise, and the
   * generator also maximises min(mean |G(x, z1) − G(x, z2)| / mean |z1 − z2|, diversityCap). The adversarial
   * and self-regularisation losses reward one safe output per image, so G0 otherwise ignores its noise and
   * translates every image into the same few looks. Needs noiseSize > 0 and an even batchSize. β 6 with
   * noiseSize 10 (BENCHMARKS.md): faces benchmark gap closed 7 → 56 % (seed 0), demo MSE 1.495 → 1.104, digits
   * final accuracy 58.0 → 61.2 % and label preservation 88.4 → 85.9 % (3 seeds). @default the preset's (PRESETS)
   */
  diversityWeight?: number;
  /** Cap τ of the diversity ratio, past which more variation earns nothing. @default 1 */
  diversityCap?: number;
  /** Train the attention branch (stages 2 and 3); false = G0 only, mask all ones. @default true */
  attention?: boolean;
  /** Width of the attention head's last upsampling conv (the first has twice this). @default the preset's (PRESETS) */
  attentionWidth?: number;
  /**
   * The attention mask before training (the bias of its sigmoid), in (0, 1); the paper does not say. Near 1
   * the attention stage starts from G(x) = G0(x), what the G0 stage ended with, and learns where to keep x;
   * at 0.5 it starts from the average of G0(x) and x. @default 0.5
   */
  attentionInitialMask?: number;
  /**
   * Decoder upsampling of G0 and the attention branch: 'transposed' = stride-2 transposed convs (the paper);
   * 'resize' = nearest ×2 + conv, free of the checkerboard the transposed convs left in short CPU runs
   * (faces and digits at 32 px). @default 'resize'
   */
  upsampling?: UpsamplingKind;
  /** Base width (ndf) of the PatchGAN discriminator. @default the preset's (PRESETS) */
  discriminatorWidth?: number;
  /** Stride-2 layers of the discriminator (two stride-1 layers follow). @default 3 */
  discriminatorDownsamplings?: number;
  /**
   * Differentiable augmentations of everything D sees (DiffAugment; not in the paper), applied in this
   * order: 'color' (brightness, saturation, contrast), 'translation' (up to 1/8 of the side), 'cutout' (a
   * square of half the side). [] = the paper's D. All three on the digits benchmark: adapted accuracy
   * 58.0 → 40.8 %, label preservation 88.4 → 90.4 % (BENCHMARKS.md). @default []
   */
  discriminatorAugment?: DiscriminatorAugment[];
  /**
   * Give D the standard deviation of its features over the batch (ProGAN's minibatch stddev; not in the
   * paper), so that it can reject a batch of look-alike outputs. Needs batchSize > 1 to see anything. With
   * noiseSize 10 on the digits benchmark: adapted accuracy 60.1 → 56.2 % against noiseSize 10 alone (BENCHMARKS.md).
   * @default false
   */
  discriminatorBatchStddev?: boolean;
  /** 'paper' = non-saturating BCE on logits; 'lsgan' = least squares. @default 'paper' */
  adversarialLoss?: AdversarialLossKind;
  /** VGG-19 layers of the perceptual self-regularisation. @default ['block1_conv1','block1_conv2','block2_conv1'] */
  perceptualLayers?: VggConvLayer[];
  /** Weight per perceptual layer. @default [1/32, 1/16, 1/8] */
  perceptualWeights?: number[];
  /**
   * 'either': the self-regularisation (perceptual or pixel) of each image is the smaller of its distance to x
   * and to −x (x in [-1, 1]), so that a translation may invert an image's intensities, dark strokes on a light
   * ground for light on dark, as long as it keeps its structure (not in the paper). 'same' = the paper's
   * distance to x. On the digits benchmark (3 seeds): adapted accuracy 63.2 → 74.1 %, label preservation
   * 89.3 → 89.1 % (BENCHMARKS.md). @default the preset's (PRESETS)
   */
  selfRegularisationPolarity?: SelfRegularisationPolarity;
  lambda?: LambdaOptions;
  /** Adam learning rate of stages 1 and 2. @default 0.0002 */
  learningRate?: number;
  /** Learning rate of the joint stage as a fraction of `learningRate`. @default 0.1 */
  jointLearningRateScale?: number;
  /**
   * The discriminator's learning rate in the attention and joint stages as a fraction of the stage's rate
   * (0 keeps D as G0's stage left it). With G0 frozen in the attention stage, a D at full rate soon rejects
   * every composite (λ stays 0 there on digits). Measured at 0.1: digits label preservation 88.4 → 91.0 %
   * but adapted accuracy 58.0 → 54.6 %, and the faces regressor 1.463 → 1.585 MSE. @default 1 (the paper)
   */
  refinementDiscriminatorRateScale?: number;
  /** Adam β1. @default 0.5 */
  adamBeta1?: number;
  /** Adam β2. @default 0.999 */
  adamBeta2?: number;
  /** Fraction of each stage after which the learning rate decays linearly to 0. @default 0.5 */
  decayStartFraction?: number;
  /** Momentum of the batch-norm moving statistics used at inference. @default 0.9 */
  batchNormMomentum?: number;
  stageSplit?: Partial<StageSplit>;
  /** Generated images the discriminator draws from (Shrivastava et al.); 0 disables. @default 50 */
  historyPoolSize?: number;
  /** Images per batch. @default the preset's (PRESETS) */
  batchSize?: number;
  /** Total training steps over all stages. @default the preset's (PRESETS) */
  steps?: number;
  /** Seed of initialisers, sampling order and history pool. @default 1 */
  seed?: number;
  /** Steps between checkpoints (one is always written at the end). @default steps / checkpointsPerRun */
  checkpointEverySteps?: number;
  /** When checkpointEverySteps is not given: checkpoints over the run (the last one included). @default the preset's (PRESETS) */
  checkpointsPerRun?: number;
  /** Steps between sample grids. @default steps / samplesPerRun */
  sampleEverySteps?: number;
  /** When sampleEverySteps is not given: sample grids over the run (the last one included). @default the preset's (PRESETS) */
  samplesPerRun?: number;
  /** Steps between lines of train-log.jsonl. @default 10 */
  logEverySteps?: number;
  /**
   * Train label-consistent (semantic consistency, as PixelDA and CyCADA; not in the paper): the source images
   * come with labels (TrainRequest.sourceLabels), a task network learns them from x and from G(x), and G's
   * loss gains labelConsistencyWeight × the task loss of G(x) against x's label, in every stage. false = the
   * unsupervised translator, trained bit for bit as before. @default false
   */
  labelConsistent?: boolean;
  /**
   * Weight μ of the task loss of G(x) in G's loss (cross-entropy for class labels, mean squared error for vectors),
   * on the same footing as λ: G minimises g_adv + λ·g_reg + μ·g_task. 1 puts a class's cross-entropy (ln 10 ≈
   * 2.3 for an untrained 10-class net) on a par with the adversarial loss, as CyCADA's weight 1 does. @default 1
   */
  labelConsistencyWeight?: number;
  /** Base width of the task network (its convs have 1, 2 and 4 times it). @default 16 */
  taskNetworkWidth?: number;
  /** Adam learning rate of the task network (constant; the digits benchmark's classifier recipe). @default 0.001 */
  taskLearningRate?: number;
  /** Source images per sample grid. @default 4 */
  sampleImages?: number;
}

/** The options every preset sets (each preset sets all of them, so that switching presets changes every one). */
export type PresetOptions = Required<
  Pick<
    TranslationOptions,
    | 'generatorWidth'
    | 'residualBlocks'
    | 'attentionWidth'
    | 'discriminatorWidth'
    | 'noiseSize'
    | 'diversityWeight'
    | 'selfRegularisationPolarity'
    | 'batchSize'
    | 'steps'
    | 'samplesPerRun'
    | 'checkpointsPerRun'
  >
> & { lambda: Required<Pick<LambdaOptions, 'intervalsPerRun'>> };

export const PRESET_NAMES = ['default', 'faces', 'paper'] as const;
/** A named bundle of options: `sim2real train --preset NAME`, StartTraining's `config.preset`. */
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  /** One sentence for `--help`. */
  summary: string;
  options: PresetOptions;
}

/**
 * The presets, the one table that `resolveTranslationConfig`, `sim2real train --help`, StartTraining and the
 * benchmarks read; why each value, measured, in BENCHMARKS.md ("Presets"). Options no preset sets have one
 * default, in resolveTranslationConfig.
 */
export const PRESETS: Readonly<Record<PresetName, Readonly<Preset>>> = {
  default: {
    summary:
      "the best configuration measured (the digits benchmark's translator): a small G0 with a noise input and the " +
      'diversity term, a self-regularisation that allows inversion, batch 8, 1200 steps',
    options: {
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
    },
  },
  faces: {
    summary:
      "the default with batch 4 and the paper's self-regularisation (no inversion): the faces benchmark's and the " +
      "demo's translator",
    options: {
      generatorWidth: 16,
      residualBlocks: 3,
      attentionWidth: 16,
      discriminatorWidth: 16,
      noiseSize: 10,
      diversityWeight: 6,
      selfRegularisationPolarity: 'same',
      batchSize: 4,
      steps: 1200,
      lambda: { intervalsPerRun: 25 },
      samplesPerRun: 12,
      checkpointsPerRun: 4,
    },
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

/**
 * `options` over the preset it names (or 'default'): nested groups (lambda, stageSplit) merge field by field, so
 * `{ lambda: { step: 1e-5 } }` keeps the preset's λ interval. Throws ConfigError for an unknown preset.
 */
export function withPreset(options: TranslationOptions = {}): TranslationOptions & PresetOptions {
  const name = options.preset ?? 'default';
  if (!isPresetName(name)) {
    throw new ConfigError('preset', `preset must be one of ${PRESET_NAMES.map((n) => `'${n}'`).join(', ')}, got '${String(name)}'.`);
  }
  const preset = PRESETS[name].options;
  const defined = <T extends object>(object: T): Partial<T> => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
  const given = defined(options);
  return { ...preset, ...given, preset: name, lambda: { ...preset.lambda, ...defined(options.lambda ?? {}) } };
}

export interface LambdaConfig {
  threshold: number;
  step: number;
  intervalSteps: number;
  max: number;
}

/** A validated, complete configuration (JSON-serialisable; stored in the model manifest). */
export interface TranslationConfig {
  imageSize: number;
  generatorWidth: number;
  residualBlocks: number;
  dilation: number;
  noiseSize: number;
  diversityWeight: number;
  diversityCap: number;
  attention: boolean;
  attentionWidth: number;
  attentionInitialMask: number;
  upsampling: UpsamplingKind;
  discriminatorWidth: number;
  discriminatorDownsamplings: number;
  discriminatorAugment: DiscriminatorAugment[];
  discriminatorBatchStddev: boolean;
  adversarialLoss: AdversarialLossKind;
  perceptualLayers: VggConvLayer[];
  perceptualWeights: number[];
  selfRegularisationPolarity: SelfRegularisationPolarity;
  lambda: LambdaConfig;
  learningRate: number;
  jointLearningRateScale: number;
  refinementDiscriminatorRateScale: number;
  adamBeta1: number;
  adamBeta2: number;
  decayStartFraction: number;
  batchNormMomentum: number;
  stageSplit: StageSplit;
  historyPoolSize: number;
  batchSize: number;
  steps: number;
  seed: number;
  checkpointEverySteps: number;
  sampleEverySteps: number;
  logEverySteps: number;
  sampleImages: number;
  labelConsistent: boolean;
  labelConsistencyWeight: number;
  taskNetworkWidth: number;
  taskLearningRate: number;
}

function int(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new ConfigError(field, `${field} must be an integer ${range}, got ${String(value)}.`);
  }
  return value;
}

function real(field: string, value: number, min: number, max: number, minExclusive = false): number {
  const below = minExclusive ? value <= min : value < min;
  if (typeof value !== 'number' || !Number.isFinite(value) || below || value > max) {
    const lower = minExclusive ? `greater than ${min}` : `at least ${min}`;
    throw new ConfigError(field, `${field} must be a number ${lower} and at most ${max}, got ${String(value)}.`);
  }
  return value;
}

/** Step counts of the stages that run, in order; stages with attention off are absent. */
export function stagePlan(config: TranslationConfig): { stage: StageName; steps: number }[] {
  if (!config.attention) return [{ stage: 'g0', steps: config.steps }];
  const g0 = Math.round(config.steps * config.stageSplit.g0);
  const attention = Math.round(config.steps * (config.stageSplit.g0 + config.stageSplit.attention)) - g0;
  return [
    { stage: 'g0', steps: g0 },
    { stage: 'attention', steps: attention },
    { stage: 'joint', steps: config.steps - g0 - attention },
  ];
}

/** Fills defaults (the preset's, then the shared ones) and validates; throws ConfigError with one sentence naming the field. */
export function resolveTranslationConfig(given: TranslationOptions = {}): TranslationConfig {
  const options = withPreset(given);
  const adversarialLoss = options.adversarialLoss ?? 'paper';
  if (adversarialLoss !== 'paper' && adversarialLoss !== 'lsgan') {
    throw new ConfigError('adversarialLoss', `adversarialLoss must be 'paper' or 'lsgan', got '${String(adversarialLoss)}'.`);
  }
  const selfRegularisationPolarity = options.selfRegularisationPolarity;
  if (selfRegularisationPolarity !== 'same' && selfRegularisationPolarity !== 'either') {
    throw new ConfigError(
      'selfRegularisationPolarity',
      `selfRegularisationPolarity must be 'same' or 'either', got '${String(selfRegularisationPolarity)}'.`,
    );
  }
  const upsampling = options.upsampling ?? 'resize';
  if (upsampling !== 'resize' && upsampling !== 'transposed') {
    throw new ConfigError('upsampling', `upsampling must be 'resize' or 'transposed', got '${String(upsampling)}'.`);
  }
  const imageSize = int('imageSize', options.imageSize ?? 64, 8, 4096);
  if (imageSize % 4 !== 0) {
    throw new ConfigError('imageSize', `imageSize must be a multiple of 4 (two stride-2 stages), got ${imageSize}.`);
  }
  const perceptualLayers = options.perceptualLayers ?? ['block1_conv1', 'block1_conv2', 'block2_conv1'];
  const perceptualWeights = options.perceptualWeights ?? (options.perceptualLayers ? perceptualLayers.map(() => 1) : [1 / 32, 1 / 16, 1 / 8]);
  if (perceptualLayers.length === 0) {
    throw new ConfigError('perceptualLayers', 'perceptualLayers must name at least one VGG-19 conv layer.');
  }
  for (const layer of perceptualLayers) {
    if (!(VGG_CONV_LAYERS as readonly string[]).includes(layer)) {
      throw new ConfigError('perceptualLayers', `perceptualLayers contains '${layer}', which is not one of ${VGG_CONV_LAYERS.join(', ')}.`);
    }
  }
  if (perceptualWeights.length !== perceptualLayers.length) {
    throw new ConfigError(
      'perceptualWeights',
      `perceptualWeights has ${perceptualWeights.length} entries but perceptualLayers has ${perceptualLayers.length}.`,
    );
  }
  perceptualWeights.forEach((w) => real('perceptualWeights', w, 0, 1e6));

  const discriminatorAugment = options.discriminatorAugment ?? [];
  if (!Array.isArray(discriminatorAugment) || discriminatorAugment.some((kind) => !(DISCRIMINATOR_AUGMENTS as readonly string[]).includes(kind))) {
    throw new ConfigError(
      'discriminatorAugment',
      `discriminatorAugment must be a list of ${DISCRIMINATOR_AUGMENTS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(discriminatorAugment)}.`,
    );
  }

  const split: StageSplit = { g0: 0.4, attention: 0.3, joint: 0.3, ...options.stageSplit };
  for (const key of ['g0', 'attention', 'joint'] as const) real(`stageSplit.${key}`, split[key], 0, 1);
  if (Math.abs(split.g0 + split.attention + split.joint - 1) > 1e-6) {
    throw new ConfigError('stageSplit', `stageSplit fractions must sum to 1, got ${split.g0 + split.attention + split.joint}.`);
  }

  const steps = int('steps', options.steps, 1);
  // Schedules given per run scale with `steps`; one given in steps wins.
  const perRun = (field: string, count: number, min: number): number => Math.max(min, Math.floor(steps / int(field, count, 1)));
  const lambda: LambdaConfig = {
    threshold: real('lambda.threshold', options.lambda.threshold ?? (adversarialLoss === 'paper' ? 2.0 : 0.4), 0, 1e6, true),
    step: real('lambda.step', options.lambda.step ?? 1e-6, 0, 1e6, true),
    intervalSteps: int(
      'lambda.intervalSteps',
      options.lambda.intervalSteps ?? Math.max(2, Math.round(steps / int('lambda.intervalsPerRun', options.lambda.intervalsPerRun, 1))),
      1,
    ),
    max: real('lambda.max', options.lambda.max ?? 0.01, 0, 1e9),
  };

  const config: TranslationConfig = {
    imageSize,
    generatorWidth: int('generatorWidth', options.generatorWidth, 1, 1024),
    residualBlocks: int('residualBlocks', options.residualBlocks, 0, 64),
    dilation: int('dilation', options.dilation ?? 2, 1, 16),
    noiseSize: int('noiseSize', options.noiseSize, 0, 64),
    diversityWeight: real('diversityWeight', options.diversityWeight, 0, 1e6),
    diversityCap: real('diversityCap', options.diversityCap ?? 1, 0, 1e6, true),
    attention: options.attention ?? true,
    attentionWidth: int('attentionWidth', options.attentionWidth, 1, 1024),
    attentionInitialMask: real('attentionInitialMask', options.attentionInitialMask ?? 0.5, 0, 0.999, true),
    upsampling,
    discriminatorWidth: int('discriminatorWidth', options.discriminatorWidth, 1, 1024),
    discriminatorDownsamplings: int('discriminatorDownsamplings', options.discriminatorDownsamplings ?? 3, 1, 6),
    discriminatorAugment: [...discriminatorAugment],
    discriminatorBatchStddev: options.discriminatorBatchStddev ?? false,
    adversarialLoss,
    perceptualLayers: [...perceptualLayers],
    perceptualWeights: [...perceptualWeights],
    selfRegularisationPolarity,
    lambda,
    learningRate: real('learningRate', options.learningRate ?? 2e-4, 0, 1, true),
    jointLearningRateScale: real('jointLearningRateScale', options.jointLearningRateScale ?? 0.1, 0, 1, true),
    refinementDiscriminatorRateScale: real('refinementDiscriminatorRateScale', options.refinementDiscriminatorRateScale ?? 1, 0, 1),
    adamBeta1: real('adamBeta1', options.adamBeta1 ?? 0.5, 0, 0.999999),
    adamBeta2: real('adamBeta2', options.adamBeta2 ?? 0.999, 0, 0.999999),
    decayStartFraction: real('decayStartFraction', options.decayStartFraction ?? 0.5, 0, 1),
    batchNormMomentum: real('batchNormMomentum', options.batchNormMomentum ?? 0.9, 0, 0.9999),
    stageSplit: split,
    historyPoolSize: int('historyPoolSize', options.historyPoolSize ?? 50, 0, 100_000),
    batchSize: int('batchSize', options.batchSize, 1, 4096),
    steps,
    seed: int('seed', options.seed ?? 1, 0, 2 ** 31 - 1),
    checkpointEverySteps: int('checkpointEverySteps', options.checkpointEverySteps ?? perRun('checkpointsPerRun', options.checkpointsPerRun, 1), 1),
    sampleEverySteps: int('sampleEverySteps', options.sampleEverySteps ?? perRun('samplesPerRun', options.samplesPerRun, 1), 1),
    logEverySteps: int('logEverySteps', options.logEverySteps ?? 10, 1),
    sampleImages: int('sampleImages', options.sampleImages ?? 4, 1, 64),
    labelConsistent: options.labelConsistent ?? false,
    labelConsistencyWeight: real('labelConsistencyWeight', options.labelConsistencyWeight ?? 1, 0, 1e6),
    taskNetworkWidth: int('taskNetworkWidth', options.taskNetworkWidth ?? 16, 1, 1024),
    taskLearningRate: real('taskLearningRate', options.taskLearningRate ?? 1e-3, 0, 1, true),
  };
  for (const field of ['attention', 'discriminatorBatchStddev', 'labelConsistent'] as const) {
    if (typeof config[field] !== 'boolean') throw new ConfigError(field, `${field} must be true or false, got ${String(config[field])}.`);
  }
  if (config.diversityWeight > 0 && config.noiseSize === 0) {
    throw new ConfigError('diversityWeight', 'diversityWeight needs noise to vary: set noiseSize above 0, or diversityWeight to 0.');
  }
  if (config.diversityWeight > 0 && config.batchSize % 2 !== 0) {
    throw new ConfigError('batchSize', `diversityWeight pairs each image with itself under other noise, so batchSize must be even, got ${config.batchSize}.`);
  }
  if (config.attention && stagePlan(config).some((s) => s.steps < 1)) {
    throw new ConfigError(
      'steps',
      `steps ${config.steps} leaves a training stage empty under stageSplit ${JSON.stringify(split)}; give more steps or set attention to false.`,
    );
  }
  return config;
}
