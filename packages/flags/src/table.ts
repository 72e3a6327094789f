/** What every flag declares: its help line and where else its value may come from. */
interface FlagCommon {
  /** One line: what it sets, and its unit where it has one. */
  readonly help: string;
  /** Placeholder of the value in the help line, e.g. `DIR`, `N`. @default 'VALUE' ('N' for numbers) */
  readonly value?: string;
  /** Environment variable read when the flag is absent (shown in the help line). */
  readonly env?: string;
  /** How the default reads in the help line when the value itself would not say it, e.g. 'the cores'. */
  readonly defaultText?: string;
}

export interface StringFlag extends FlagCommon {
  readonly kind: 'string';
  readonly default?: string;
  readonly required?: boolean;
  /** The only values accepted, listed in the help line. */
  readonly choices?: readonly string[];
  /** A pattern the value must match, and what it means in words for the error ("letters, digits, ..."). */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
}

export interface IntegerFlag extends FlagCommon {
  readonly kind: 'integer';
  readonly default?: number;
  readonly required?: boolean;
  /** Smallest value accepted. @default 0 */
  readonly min?: number;
  /** Largest value accepted. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

export interface NumberFlag extends FlagCommon {
  readonly kind: 'number';
  readonly default?: number;
  readonly required?: boolean;
  /** Smallest value accepted. @default -Infinity */
  readonly min?: number;
  /** Largest value accepted. @default Infinity */
  readonly max?: number;
}

/** Comma-separated strings, e.g. `--engines onnx,tfjs`. */
export interface StringListFlag extends FlagCommon {
  readonly kind: 'string-list';
  readonly default?: readonly string[];
  readonly required?: boolean;
  /** The only items accepted, listed in the help line. */
  readonly choices?: readonly string[];
}

/** Comma-separated integers, e.g. `--threads 1,2`. */
export interface IntegerListFlag extends FlagCommon {
  readonly kind: 'integer-list';
  readonly default?: readonly number[];
  readonly required?: boolean;
  /** Smallest item accepted. @default 0 */
  readonly min?: number;
  /** Largest item accepted. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/** A string that may be given several times, e.g. `--route a=b --route c=d`; its value is every one, in order. */
export interface RepeatableStringFlag extends Omit<FlagCommon, 'env' | 'defaultText'> {
  readonly kind: 'repeatable-string';
  /** At least one is needed. @default false */
  readonly required?: boolean;
}

/** Present or absent; its environment variable counts as set when it is `1` or `true`. */
export interface BooleanFlag extends Omit<FlagCommon, 'value' | 'defaultText'> {
  readonly kind: 'boolean';
}

export type FlagSpec = StringFlag | IntegerFlag | NumberFlag | StringListFlag | IntegerListFlag | RepeatableStringFlag | BooleanFlag;

/** A command's flags by long name (without the dashes). */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type Defined<F> = F extends { readonly required: true } ? true : F extends { readonly default: string | number | readonly unknown[] } ? true : false;

type Choice<F, Fallback> = F extends { readonly choices: readonly (infer C)[] } ? C : Fallback;

/** The type of one flag's value: undefined is possible only where the flag has no default and is not required. */
export type FlagValue<F extends FlagSpec> = F extends BooleanFlag
  ? boolean
  : F extends RepeatableStringFlag
    ? string[]
    :
      | (F extends StringFlag ? Choice<F, string> : F extends StringListFlag ? Choice<F, string>[] : F extends IntegerListFlag ? number[] : number)
      | (Defined<F> extends true ? never : undefined);

/** The parsed values of a table, one typed property per flag. */
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> };

/** Declares a table, keeping its literal types (what `FlagValues` needs to type each value). */
export function defineFlags<const T extends FlagTable>(table: T): T {
  return table;
}
