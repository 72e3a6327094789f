import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PHOTOS_DIR, PHOTOS_DIR_ENV } from '@sim2real/datasets';
import { FlagError, defineFlags, type FlagValues } from '@sim2real/flags';
import { BACKEND_CHOICES, type BackendChoice } from '@sim2real/tensor';

/** Everything a demo run is sized by. */
export interface DemoConfig {
  readonly quick: boolean;
  /** Cache of rendered faces and trained generators, and the runs' outputs. */
  readonly dataDir: string;
  /** `--nats` or `NATS_URL`; undefined: start a local server. */
  readonly natsUrl: string | undefined;
  /** Image width and height of every stage. */
  readonly size: number;
  /** Unpaired sim and real-style faces (each) the generator trains on. */
  readonly generatorFaces: number;
  readonly generatorSteps: number;
  /** Real-style faces the regressors are scored on. */
  readonly testFaces: number;
  /** Sim faces published through the pipeline. */
  readonly faces: number;
  readonly batch: number;
  /** Regressor optimiser steps per received batch. */
  readonly stepsPerBatch: number;
  /** Coefficients regressed and scored (the first K). */
  readonly evalCoefficients: number;
  readonly seed: number;
  readonly photosDir: string;
  readonly vggDir: string | undefined;
  /** The tfjs backend every child is given; undefined: each picks its own. */
  readonly backend: BackendChoice | undefined;
}

/** The sizes of a default run and of a `--quick` one. */
const SIZES = {
  full: { size: 32, generatorFaces: 600, generatorSteps: 800, testFaces: 200, faces: 1280, batch: 32, stepsPerBatch: 4 },
  quick: { size: 32, generatorFaces: 64, generatorSteps: 12, testFaces: 48, faces: 128, batch: 16, stepsPerBatch: 2 },
} as const;
const sized = (key: keyof typeof SIZES.full): string => `${SIZES.full[key]}; quick ${SIZES.quick[key]}`;

/** The VGG-19 weights beside the repository, when they are there (embedded defaults need no flag). */
const SHARED_VGG = fileURLToPath(new URL('../../../../shared/weights/vgg19-block3', import.meta.url));

/** The flags of `sim2real demo`. */
export const DEMO_FLAGS = defineFlags({
  quick: { kind: 'boolean', help: 'tiny sizes and counts' },
  data: { kind: 'string', value: 'DIR', help: 'cache and outputs', default: path.join('.sim2real', 'demo') },
  nats: { kind: 'string', value: 'URL', help: 'NATS server to use if it answers', env: 'NATS_URL', defaultText: 'a local one' },
  faces: { kind: 'integer', help: 'sim faces published through the pipeline', min: 1, max: 1_000_000, defaultText: sized('faces') },
  batch: { kind: 'integer', help: 'faces per batch', min: 1, max: 256, defaultText: sized('batch') },
  'steps-per-batch': { kind: 'integer', help: 'regressor steps per batch', min: 1, max: 100, defaultText: sized('stepsPerBatch') },
  'generator-faces': { kind: 'integer', help: 'sim and real-style faces (each) the generator trains on', min: 8, max: 1_000_000, defaultText: sized('generatorFaces') },
  'generator-steps': { kind: 'integer', help: 'generator training steps', min: 3, max: 1_000_000, defaultText: sized('generatorSteps') },
  'test-faces': { kind: 'integer', help: 'real-style test faces', min: 1, max: 1_000_000, defaultText: sized('testFaces') },
  size: { kind: 'integer', help: 'image size in pixels, a multiple of 16', min: 16, max: 256, defaultText: sized('size') },
  'eval-coefficients': { kind: 'integer', value: 'K', help: '3DMM coefficients regressed and scored', default: 10, min: 1, max: 100 },
  seed: { kind: 'integer', help: 'seed of the faces and networks', default: 0, max: 2 ** 31 - 1 },
  photos: { kind: 'string', value: 'DIR', help: 'real-style backgrounds', env: PHOTOS_DIR_ENV, default: DEFAULT_PHOTOS_DIR, defaultText: '../shared/data/photos' },
  vgg: { kind: 'string', value: 'DIR', help: 'VGG-19 weights of the generator', env: 'SIM2REAL_VGG_DIR', defaultText: '../shared/weights/vgg19-block3 when there' },
  backend: { kind: 'string', value: 'NAME', help: 'tfjs backend of every child', choices: BACKEND_CHOICES, env: 'TFJS_BACKEND', defaultText: "each child's own" },
});

export type DemoFlags = FlagValues<typeof DEMO_FLAGS>;

/** The config of a run from its flags; throws `FlagError` for what the table cannot check. */
export function demoConfig(flags: DemoFlags): DemoConfig {
  const base = flags.quick ? SIZES.quick : SIZES.full;
  const size = flags.size ?? base.size;
  if (size % 16 !== 0) throw new FlagError(`--size must be a multiple of 16, got ${size}.`, 'size');
  return {
    quick: flags.quick,
    dataDir: path.resolve(flags.data),
    natsUrl: flags.nats,
    size,
    generatorFaces: flags['generator-faces'] ?? base.generatorFaces,
    generatorSteps: flags['generator-steps'] ?? base.generatorSteps,
    testFaces: flags['test-faces'] ?? base.testFaces,
    faces: flags.faces ?? base.faces,
    batch: flags.batch ?? base.batch,
    stepsPerBatch: flags['steps-per-batch'] ?? base.stepsPerBatch,
    evalCoefficients: flags['eval-coefficients'],
    seed: flags.seed,
    photosDir: flags.photos,
    vggDir: flags.vgg ?? (existsSync(SHARED_VGG) ? SHARED_VGG : undefined),
    backend: flags.backend,
  };
}
