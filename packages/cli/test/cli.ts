import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCaptured, type RunResult } from '@sim2real/flags/testing';
import { main } from '../src/main.js';

/** The `sim2real` executable, as users run it. */
export const BIN = fileURLToPath(new URL('../bin/sim2real.js', import.meta.url));
/** VGG-19 weights beside the repository (`SIM2REAL_VGG_DIR` overrides). */
export { TEST_VGG_DIR as VGG_DIR } from '@sim2real/translation/testing';
/** Tests run on wasm unless `TFJS_BACKEND` says otherwise. */
export const TEST_BACKEND = process.env.TFJS_BACKEND ?? 'wasm';

export type { RunResult };

/** Runs the `sim2real` executable in a child process and collects its exit code and output. */
export async function runBin(args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, TFJS_BACKEND: TEST_BACKEND },
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as RunResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs `main` in this process with captured streams and the given environment. */
export function runMain(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runCaptured((io) => main(argv, io), env);
}
