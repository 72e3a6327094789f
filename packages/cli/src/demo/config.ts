import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { optionalInt, optionalString, vggDir } from '../options.js';
import { photosDir } from '../commands/face-translation.js';

/** Everything a demo run is sized by; defaults fit about 15 minutes on 2 CPU cores, `--quick` a few. */
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
  readonly backend: string | undefined;
}

const DEFAULTS = { size: 32, generatorFaces: 600, generatorSteps: 800, testFaces: 200, faces: 1280, batch: 32, stepsPerBatch: 4 };
const QUICK = { size: 32, generatorFaces: 64, generatorSteps: 12, testFaces: 48, faces: 128, batch: 16, stepsPerBatch: 2 };

/** The VGG-19 weights beside the repository, when they are there (embedded defaults need no flag). */
const SHARED_VGG = fileURLToPath(new URL('../../../../../shared/weights/vgg19-block3', import.meta.url));

export function demoConfig(options: ParsedOptions, env: NodeJS.ProcessEnv, command: string): DemoConfig {
  const quick = options.quick === true;
  const base = quick ? QUICK : DEFAULTS;
  const int = (flag: string, fallback: number, min: number, max = 1_000_000): number => optionalInt(options, flag, command, { min, max }) ?? fallback;
  const size = int('size', base.size, 16, 256);
  if (size % 16 !== 0) throw new UsageError(`--size must be a multiple of 16, got ${size}.`, command);
  return {
    quick,
    dataDir: path.resolve(optionalString(options, 'data') ?? path.join('.sim2real', 'demo')),
    natsUrl: optionalString(options, 'nats') ?? (env.NATS_URL || undefined),
    size,
    generatorFaces: int('generator-faces', base.generatorFaces, 8),
    generatorSteps: int('generator-steps', base.generatorSteps, 3),
    testFaces: int('test-faces', base.testFaces, 1),
    faces: int('faces', base.faces, 1),
    batch: int('batch', base.batch, 1, 256),
    stepsPerBatch: int('steps-per-batch', base.stepsPerBatch, 1, 100),
    evalCoefficients: int('eval-coefficients', 10, 1, 100),
    seed: int('seed', 0, 0, 2 ** 31 - 1),
    photosDir: photosDir(options, env),
    vggDir: vggDir(options, env) ?? (existsSync(SHARED_VGG) ? SHARED_VGG : undefined),
    backend: optionalString(options, 'backend') ?? (env.TFJS_BACKEND || undefined),
  };
}
