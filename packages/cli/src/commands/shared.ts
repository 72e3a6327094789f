import { defineFlags } from '@sim2real/flags';
import { BACKEND_CHOICES } from '@sim2real/tensor';
import type { SkippedFile } from '@sim2real/imaging';
import { DEFAULT_MAX_PIXELS } from '@sim2real/imaging';
import { ENGINE_CHOICES, ENGINE_ENV } from '@sim2real/inference';

/** `--backend`, for the commands that run TensorFlow.js. */
export const BACKEND_FLAGS = defineFlags({
  backend: { kind: 'string', value: 'NAME', help: 'tfjs backend', choices: BACKEND_CHOICES, env: 'TFJS_BACKEND', default: 'auto' },
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

/** `--max-pixels`, for the commands that read image folders. */
export const MAX_PIXELS_FLAGS = defineFlags({
  'max-pixels': { kind: 'integer', help: 'refuse input images with more pixels than this', default: DEFAULT_MAX_PIXELS, min: 1 },
});

/** The closing sentence about skipped inputs, with the list. */
export function reportSkipped(skipped: readonly SkippedFile[]): string {
  const list = skipped.map((s) => `  ${s.file}: ${s.reason}`).join('\n');
  return `${skipped.length} input file${skipped.length === 1 ? ' was' : 's were'} skipped:\n${list}`;
}
