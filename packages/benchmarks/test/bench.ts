import { PassThrough } from 'node:stream';
import type { FlagTable, FlagValues, ScriptDefinition } from '@sim2real/flags';
import { runScript, type BenchIo } from '../src/index.js';

/** VGG-19 weights beside the repository (`SIM2REAL_VGG_DIR` overrides). */
export { TEST_VGG_DIR as VGG_DIR } from '@sim2real/translation/testing';
/** Tests run on wasm unless `TFJS_BACKEND` says otherwise. */
export const TEST_BACKEND = process.env.TFJS_BACKEND ?? 'wasm';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a benchmark in this process, as its command line would, with captured streams (on the test backend). */
export async function runBenchmark<T extends FlagTable>(
  script: ScriptDefinition<T>,
  run: (values: FlagValues<T>, io: BenchIo) => Promise<void>,
  argv: string[],
): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const env = { ...process.env, TFJS_BACKEND: TEST_BACKEND };
  const code = await runScript(script, argv, { stdout, stderr, env, signal: new AbortController().signal, interactive: false }, run);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
