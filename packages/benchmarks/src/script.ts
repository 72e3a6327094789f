import { FlagError, parseFlags, scriptHelp } from '@sim2real/flags';
import type { FlagTable, FlagValues, ScriptDefinition } from '@sim2real/flags';
import type { BenchIo } from './io.js';

/**
 * Runs a benchmark from its command line: `--help` prints the help (exit 0); a bad flag, or a `FlagError` the run
 * throws for a combination of flags, prints one sentence (exit 2); an interrupt exits 130, any other error 1.
 */
export async function runScript<T extends FlagTable>(
  script: ScriptDefinition<T>,
  argv: readonly string[],
  io: BenchIo,
  run: (values: FlagValues<T>, io: BenchIo) => Promise<void>,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(scriptHelp(script));
    return 0;
  }
  try {
    await run(parseFlags(script.flags, argv, io.env).values, io);
    return 0;
  } catch (error) {
    if (error instanceof FlagError) {
      io.stderr.write(`${error.message} (--help lists the options)\n`);
      return 2;
    }
    if (io.signal.aborted) {
      io.stderr.write('interrupted: the benchmark stopped.\n');
      return 130;
    }
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.SIM2REAL_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** The streams, environment and interrupt signal of this process (the first SIGINT/SIGTERM stops cleanly, a second exits). */
export function processIo(): BenchIo {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: stopping (again to force)...\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, interactive: Boolean(process.stderr.isTTY) };
}
