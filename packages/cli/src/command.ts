import type { ParseArgsConfig } from 'node:util';
import type { ProcessIo } from '@sim2real/flags';

/** What a command gets besides its arguments; tests pass their own streams and signal. */
export type CommandContext = ProcessIo;

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The parsed flags of a command, keyed by long option name. */
export type ParsedOptions = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `sim2real` subcommand. `name` may be two words (`publish faces`, `render faces`). */
export interface CommandSpec {
  readonly name: string;
  /** The whole `--help` text: synopsis, options with defaults, an example. */
  readonly usage: string;
  readonly options: OptionSpecs;
  /** Resolves to the process exit code. Throw `UsageError` for bad input. */
  run(options: ParsedOptions, positionals: string[], context: CommandContext): Promise<number>;
}

/**
 * A subcommand as the command list knows it: its name and one line, and its module, imported only when that
 * command runs (a command's module loads TensorFlow.js, sharp or gRPC; `sim2real --help` loads none of them).
 */
export interface CommandEntry {
  /** The same name as the loaded spec's (a test checks). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  load(): Promise<CommandSpec>;
}
