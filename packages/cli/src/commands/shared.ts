import { defineFlags } from '@sim2real/flags';
import type { BackendChoice } from '@sim2real/tensor';
import type { SkippedFile } from '@sim2real/imaging';
import { ENGINE_CHOICES, ENGINE_ENV } from '@sim2real/inference';
import type { EngineChoice, EngineOptions } from '@sim2real/inference';
import type { ParsedOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { optionalString } from '../options.js';

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** `--backend`, for the commands that run TensorFlow.js. */
export const BACKEND_FLAGS = defineFlags({
  backend: { kind: 'string', value: 'NAME', help: 'tfjs backend', choices: BACKENDS, env: 'TFJS_BACKEND', default: 'auto' },
});

/** `--engine` and `--threads`, for the commands that translate. */
export const ENGINE_FLAGS = defineFlags({
  engine: {
    kind: 'string',
    value: 'NAME',
    help: "auto runs onnxruntime-node where the version has a current model.onnx ('sim2real export'), else tfjs",
    choices: ENGINE_CHOICES,
    env: ENGINE_ENV.engine,
    default: 'auto',
  },
  threads: { kind: 'integer', help: 'onnxruntime-node threads', env: ENGINE_ENV.threads, defaultText: 'the cores available', min: 1, max: 1024 },
});

/** Validates `--backend` / `TFJS_BACKEND`; undefined means auto. */
export function backendChoice(raw: string | undefined, command: string): BackendChoice {
  if (raw === undefined || raw === '') return 'auto';
  if ((BACKENDS as readonly string[]).includes(raw)) return raw as BackendChoice;
  throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${raw}".`, command);
}

/** The closing sentence about skipped inputs, with the list. */
export function reportSkipped(skipped: readonly SkippedFile[]): string {
  const list = skipped.map((s) => `  ${s.file}: ${s.reason}`).join('\n');
  return `${skipped.length} input file${skipped.length === 1 ? ' was' : 's were'} skipped:\n${list}`;
}

/** The `--engine` and `--threads` flag specs of the commands that translate. */
export const ENGINE_OPTIONS = { engine: { type: 'string' }, threads: { type: 'string' } } as const;

/** The `--engine` / `--threads` lines of those commands' usage. */
export const ENGINE_USAGE = `  --engine NAME         auto | onnx | tfjs: auto runs onnxruntime-node where the version has a
                        current model.onnx ('sim2real export'), else tfjs (SIM2REAL_ENGINE) [default: auto]
  --threads N           onnxruntime-node threads (SIM2REAL_INFERENCE_THREADS)  [default: the cores available]`;

/** `--engine` then SIM2REAL_ENGINE, `--threads` then SIM2REAL_INFERENCE_THREADS, validated. */
export function engineOptions(options: ParsedOptions, env: NodeJS.ProcessEnv, command: string): EngineOptions {
  const engine = optionalString(options, 'engine') ?? (env[ENGINE_ENV.engine] || undefined);
  if (engine !== undefined && !(ENGINE_CHOICES as readonly string[]).includes(engine)) {
    throw new UsageError(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, got "${engine}".`, command);
  }
  const rawThreads = optionalString(options, 'threads') ?? (env[ENGINE_ENV.threads] || undefined);
  const threads = rawThreads === undefined ? undefined : Number(rawThreads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 1024)) {
    throw new UsageError(`--threads must be an integer from 1 to 1024, got "${rawThreads}".`, command);
  }
  return { engine: engine as EngineChoice | undefined, threads };
}
