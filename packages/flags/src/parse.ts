import { parseArgs } from 'node:util';
import { FlagError } from './errors.js';
import type { FlagSpec, FlagTable, FlagValues, RepeatableStringFlag } from './table.js';

/** What `parseFlags` returns: the typed values and the arguments that are not flags. */
export interface ParsedFlags<T extends FlagTable> {
  readonly values: FlagValues<T>;
  readonly positionals: string[];
}

/**
 * Parses `args` against `table`: each flag from the command line, else its environment variable, else its
 * default; checks kinds, ranges, choices and required flags. Throws `FlagError` (one sentence) on the first problem.
 */
export function parseFlags<T extends FlagTable>(table: T, args: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedFlags<T> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: parseArgsOptions(table), allowPositionals: true, strict: true });
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error));
  }
  return { values: flagValues(table, parsed.values, env), positionals: parsed.positionals };
}

/** The `node:util` `parseArgs` options of a table, for callers that run `parseArgs` themselves. */
export function parseArgsOptions(table: FlagTable): Record<string, { type: 'string' | 'boolean'; multiple: boolean }> {
  return Object.fromEntries(
    Object.entries(table).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? 'boolean' : 'string', multiple: spec.kind === 'repeatable-string' }]),
  );
}

/** The typed values of a table from what `parseArgs` found (`given`), the environment and the defaults. Throws `FlagError`. */
export function flagValues<T extends FlagTable>(table: T, given: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = {}): FlagValues<T> {
  return Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, flagValue(name, spec, given[name], env)])) as FlagValues<T>;
}

function flagValue(name: string, spec: FlagSpec, given: unknown, env: NodeJS.ProcessEnv): unknown {
  if (spec.kind === 'repeatable-string') return repeated(name, spec, given);
  const fromEnv = spec.env !== undefined && env[spec.env] !== '' ? env[spec.env] : undefined;
  if (spec.kind === 'boolean') return given === true || fromEnv === '1' || fromEnv === 'true';
  const raw = typeof given === 'string' ? given : fromEnv;
  const source = typeof given === 'string' ? `--${name}` : `${spec.env} (for --${name})`;
  if (raw === undefined) {
    if (spec.required && spec.default === undefined) throw new FlagError(`--${name} is required.`, name);
    return Array.isArray(spec.default) ? [...(spec.default as unknown[])] : spec.default;
  }
  switch (spec.kind) {
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) throw new FlagError(`${source} must be one of ${spec.choices.join(', ')}, got "${raw}".`, name);
      if (spec.pattern && !spec.pattern.regex.test(raw)) throw new FlagError(`${source} must be ${spec.pattern.description}, got "${raw}".`, name);
      return raw;
    case 'integer':
      return integer(raw, spec, () => new FlagError(`${source} must be an integer from ${spec.min ?? 0} to ${spec.max ?? Number.MAX_SAFE_INTEGER}, got "${raw}".`, name));
    case 'integer-list':
      return listItems(raw, source, name).map((item) =>
        integer(item, spec, () => new FlagError(`${source} must be integers from ${spec.min ?? 0} to ${spec.max ?? Number.MAX_SAFE_INTEGER} separated by commas, got "${raw}".`, name)),
      );
    case 'string-list': {
      const items = listItems(raw, source, name);
      const wrong = spec.choices && items.find((item) => !spec.choices!.includes(item));
      if (wrong !== undefined && spec.choices) throw new FlagError(`${source} takes ${spec.choices.join(', ')} separated by commas, got "${wrong}".`, name);
      return items;
    }
    case 'number': {
      const value = Number(raw);
      const min = spec.min ?? -Infinity;
      const max = spec.max ?? Infinity;
      if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
        throw new FlagError(`${source} must be a number from ${min} to ${max}, got "${raw}".`, name);
      }
      return value;
    }
  }
}

/** Every value of a repeatable flag: `parseArgs` gives a list, a caller passing one value a string. */
function repeated(name: string, spec: RepeatableStringFlag, given: unknown): string[] {
  const items = Array.isArray(given) ? given.map(String) : typeof given === 'string' ? [given] : [];
  if (items.length === 0 && spec.required) throw new FlagError(`--${name} is required (at least one).`, name);
  return items;
}

function integer(raw: string, range: { readonly min?: number; readonly max?: number }, error: () => FlagError): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < (range.min ?? 0) || value > (range.max ?? Number.MAX_SAFE_INTEGER)) throw error();
  return value;
}

function listItems(raw: string, source: string, name: string): string[] {
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new FlagError(`${source} must be a comma-separated list without empty items, got "${raw}".`, name);
  return items;
}
