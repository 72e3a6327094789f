import { z } from 'zod';

/** Builds a package's own config error from the field's dotted path (`lambda.step`) and one sentence. */
export type ConfigErrorFactory = (field: string, message: string) => Error;

const got = (input: unknown): string => (typeof input === 'string' ? `"${input}"` : Array.isArray(input) ? JSON.stringify(input) : String(input));

/** `from 1 to 8` or `at least 1`. */
const range = (min: number, max: number | undefined): string => (max === undefined ? `at least ${min}` : `from ${min} to ${max}`);

/** An integer from `min` to `max` (inclusive; no upper bound when `max` is left out). */
export function integer(min: number, max?: number): z.ZodNumber {
  const schema = z.int({ error: (issue) => `must be an integer ${range(min, max)}, got ${got(issue.input)}` }).min(min);
  return max === undefined ? schema : schema.max(max);
}

/** A finite number from `min` to `max`, each bound inclusive unless `minExclusive` or `maxExclusive`. */
export function real(min: number, max: number, { minExclusive = false, maxExclusive = false } = {}): z.ZodNumber {
  const lower = minExclusive ? `greater than ${min}` : `at least ${min}`;
  const upper = maxExclusive ? `less than ${max}` : `at most ${max}`;
  const bounds = minExclusive || maxExclusive ? `${lower} and ${upper}` : range(min, max);
  const error = (issue: { input?: unknown }): string => `must be a number ${bounds}, got ${got(issue.input)}`;
  const above = minExclusive ? z.number({ error }).gt(min) : z.number({ error }).min(min);
  return maxExclusive ? above.lt(max) : above.max(max);
}

/** One of `values`. */
export function choice<const T extends readonly string[]>(values: T) {
  return z.enum(values, { error: (issue) => `must be one of ${values.map((v) => `'${v}'`).join(', ')}, got ${got(issue.input)}` });
}

/** true or false. */
export function flag(): z.ZodBoolean {
  return z.boolean({ error: (issue) => `must be true or false, got ${got(issue.input)}` });
}

/** A list of `item`s; `nonEmpty` asks for one at least. */
export function list<T extends z.ZodType>(item: T, { nonEmpty = false } = {}): z.ZodArray<T> {
  const what = nonEmpty ? 'a non-empty list' : 'a list';
  const schema = z.array(item, { error: (issue) => `must be ${what}, got ${got(issue.input)}` });
  return nonEmpty ? schema.min(1) : schema;
}

/** A non-empty string; `what` says what it holds (`a folder path`). */
export function requiredText(what: string): z.ZodString {
  return z.string({ error: (issue) => `must be ${what}, got ${got(issue.input)}` }).min(1);
}

/** Marks the issues of `sentence()`. */
const SENTENCE = { sentence: true } as const;

/**
 * A whole-sentence issue of a refinement (`ctx.addIssue(sentence('steps', '…'))`): it is the error's message as it
 * stands, where the other issues of a field are completed into `<field> must be …`.
 */
export function sentence(field: string, message: string): z.core.$ZodRawIssue {
  return { code: 'custom', path: field.split('.'), message, input: undefined, params: SENTENCE };
}

/** The dotted path of an issue, list indexes left out: `perceptualLayers.0` names `perceptualLayers`. */
const fieldOf = (path: readonly PropertyKey[]): string => path.filter((key) => typeof key === 'string').join('.');

/** `<field> must be …` for a field's own issue; a refinement's sentence as it is. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' && issue.params?.sentence === true) return issue.message;
  return `${fieldOf(issue.path) || 'the config'} ${issue.message}.`;
}

/**
 * `input` parsed by `schema` (defaults filled, values checked); else throws `error(field, sentence)` for the first
 * problem, e.g. ConfigError('imageSize', 'imageSize must be an integer from 8 to 4096, got 4.').
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, error: ConfigErrorFactory): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw error(fieldOf(issue.path), messageOf(issue));
}
