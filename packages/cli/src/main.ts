import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandContext, CommandEntry, CommandSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { PartialFailureError, UsageError } from './errors.js';

const TOOL_HELP = `sim2real — turn synthetic labelled images into real-looking ones, labels untouched.

Usage: sim2real <command> [options]     (sim2real <command> --help for its options)
       sim2real --version

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)}${c.summary}`).join('\n')}
`;

/** This package's version, from its package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Finds the command named by the first one or two words of argv. */
function findCommand(argv: string[]): { command: CommandEntry; rest: string[] } | undefined {
  const [first, second] = argv;
  const twoWords = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (twoWords) return { command: twoWords, rest: argv.slice(2) };
  const oneWord = COMMANDS.find((c) => c.name === first);
  return oneWord && { command: oneWord, rest: argv.slice(1) };
}

/** Aborts on the first SIGINT/SIGTERM (clean stop); a second one exits at once. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: stopping cleanly (again to force)...\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** Runs the `sim2real` command line; resolves to the exit code. */
export async function main(argv: string[], context?: Partial<CommandContext>): Promise<number> {
  const ctx: CommandContext = {
    stdout: context?.stdout ?? process.stdout,
    stderr: context?.stderr ?? process.stderr,
    env: context?.env ?? process.env,
    signal: context?.signal ?? shutdownSignal(),
    interactive: context?.interactive ?? Boolean(process.stderr.isTTY),
  };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    ctx.stdout.write(TOOL_HELP);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    ctx.stdout.write(`sim2real ${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    ctx.stderr.write(`sim2real: unknown command "${argv[0]}". Run 'sim2real --help' for the list.\n`);
    return 2;
  }
  const { rest } = found;
  const command = await found.command.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    const { values, positionals } = parseOrUsageError(command, rest);
    return await command.run(values, positionals, ctx);
  } catch (error) {
    return reportError(command, error, ctx);
  }
}

function parseOrUsageError(command: CommandSpec, args: string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command.name);
  }
}

function reportError(command: CommandSpec, error: unknown, ctx: CommandContext): number {
  if (error instanceof UsageError) {
    ctx.stderr.write(`sim2real ${command.name}: ${error.message}\nRun 'sim2real ${command.name} --help' for usage.\n`);
    return 2;
  }
  if (error instanceof PartialFailureError) {
    ctx.stderr.write(`sim2real ${command.name}: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(`sim2real ${command.name}: ${message}\n`);
  if (ctx.env.SIM2REAL_DEBUG && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return 1;
}
