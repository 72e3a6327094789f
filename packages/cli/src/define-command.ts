import { FlagError, flagHelpLines, flagValues, parseArgsOptions } from '@sim2real/flags';
import type { FlagTable, FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from './command.js';
import { UsageError } from './errors.js';

/** A command declared around one flag table: its usage text, parser and typed values all come from it. */
export interface CommandDefinition<T extends FlagTable> {
  readonly name: string;
  /** What follows `sim2real NAME` in the usage line, e.g. `--model MODEL_DIR [options]`. */
  readonly synopsis: string;
  /** The paragraphs between the usage line and the options: what the command does. */
  readonly description: string;
  readonly flags: T;
  /** Lines after the options: exit codes, examples. */
  readonly epilogue?: string;
  /** Resolves to the process exit code. Throw `UsageError` for bad input the table cannot check. */
  run(values: FlagValues<T>, positionals: string[], context: CommandContext): Promise<number>;
}

/** The `--help` text of a definition: usage line, description, the flags' help lines, epilogue. */
export function commandUsage(definition: CommandDefinition<FlagTable>): string {
  const flagLines = flagHelpLines(definition.flags);
  const parts = [`Usage: sim2real ${definition.name} ${definition.synopsis}`, definition.description.trim()];
  if (flagLines.length > 0) parts.push(`Options:\n${flagLines.join('\n')}`);
  if (definition.epilogue !== undefined) parts.push(definition.epilogue.trim());
  return `${parts.join('\n\n')}\n`;
}

/** A `CommandSpec` from a definition: flags fall back to their environment variables and defaults, typed. */
export function defineCommand<const T extends FlagTable>(definition: CommandDefinition<T>): CommandSpec {
  return {
    name: definition.name,
    usage: commandUsage(definition),
    options: parseArgsOptions(definition.flags),
    run: (options, positionals, context) => definition.run(commandFlagValues(definition.flags, options, context.env, definition.name), positionals, context),
  };
}

/** The typed values of `table` from parsed options, the environment and the defaults; a bad one is a UsageError of `command`. */
export function commandFlagValues<T extends FlagTable>(table: T, options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv, command: string): FlagValues<T> {
  try {
    return flagValues(table, options, env);
  } catch (error) {
    if (error instanceof FlagError) throw new UsageError(error.message, command);
    throw error;
  }
}
