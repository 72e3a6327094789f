import { FlagError } from './errors.js';
import { flagHelpLines } from './help.js';
import { parseFlags, type ParsedFlags } from './parse.js';
import type { FlagTable } from './table.js';

/** A script's command line: its usage line (`npm run bench:serve -- [options]`), what it does, and its flags. */
export interface ScriptDefinition<T extends FlagTable> {
  readonly usage: string;
  readonly description: string;
  readonly flags: T;
}

/** The `--help` text of a script: usage, description, one line per flag and `--help` itself. */
export function scriptHelp(script: ScriptDefinition<FlagTable>): string {
  const lines = [...flagHelpLines(script.flags), ...flagHelpLines({ help: { kind: 'boolean', help: 'print this text and exit' } })];
  return `Usage: ${script.usage}\n\n${script.description.trim()}\n\nOptions:\n${lines.join('\n')}\n`;
}

/**
 * The flags of a script run from the command line (a benchmark): with `--help` it prints `scriptHelp` and exits 0;
 * a bad flag prints its one-sentence error and exits 2.
 */
export function parseScriptFlags<T extends FlagTable>(
  script: ScriptDefinition<T>,
  args: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ParsedFlags<T> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(scriptHelp(script));
    process.exit(0);
  }
  try {
    return parseFlags(script.flags, args, env);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`${error.message} (--help lists the options)\n`);
    process.exit(2);
  }
}
