import type { FlagTable, FlagValues, ScriptDefinition } from '@sim2real/flags';
import { runCaptured, type RunResult } from '@sim2real/flags/testing';
import { runScript, type BenchIo } from '../src/index.js';

/** VGG-19 weights beside the repository (`SIM2REAL_VGG_DIR` overrides). */
export { TEST_VGG_DIR as VGG_DIR } from '@sim2real/translation/testing';
/** Tests run on wasm unless `TFJS_BACKEND` says otherwise. */
export const TEST_BACKEND = process.env.TFJS_BACKEND ?? 'wasm';

export type { RunResult };

/** Runs a benchmark in this process, as its command line would, with captured streams (on the test backend). */
export function runBenchmark<T extends FlagTable>(
  script: ScriptDefinition<T>,
  run: (values: FlagValues<T>, io: BenchIo) => Promise<void>,
  argv: string[],
): Promise<RunResult> {
  return runCaptured((io) => runScript(script, argv, io, run), { ...process.env, TFJS_BACKEND: TEST_BACKEND });
}
