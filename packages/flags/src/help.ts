import type { FlagSpec, FlagTable } from './table.js';

/** The value's placeholder in a help line when the flag names none. */
const PLACEHOLDERS = { string: 'VALUE', integer: 'N', number: 'N', 'string-list': 'A,B', 'integer-list': 'N,M', 'repeatable-string': 'VALUE' } as const;

/** Width of the `--flag VALUE` column of help lines. */
const FLAG_COLUMN = 24;
/** Help lines wrap at this many characters; continuation lines start under the help column. */
const LINE_WIDTH = 110;
const NO_BREAK = '\u00a0';

/** The help line of each flag, in table order: `--name VALUE  help [choices] [default: …] [env VAR]`. */
export function flagHelpLines(table: FlagTable): string[] {
  return Object.entries(table).map(([name, spec]) => {
    const synopsis = spec.kind === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? PLACEHOLDERS[spec.kind]}`;
    // A note such as `[env VAR]` stays on one line: its spaces are unbreakable until the line is wrapped.
    const notes = flagNotes(spec).map((note) => note.replaceAll(' ', NO_BREAK));
    const text = notes.length > 0 ? `${spec.help} ${notes.join(' ')}` : spec.help;
    const column = synopsis.length < FLAG_COLUMN - 2 ? synopsis.padEnd(FLAG_COLUMN) : `${synopsis}  `;
    return wrap(`  ${column}${text}`, ' '.repeat(FLAG_COLUMN + 2)).replaceAll(NO_BREAK, ' ');
  });
}

/** Breaks `line` at spaces to fit LINE_WIDTH, continuation lines starting with `indent`. */
function wrap(line: string, indent: string): string {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > LINE_WIDTH) {
    const cut = rest.lastIndexOf(' ', LINE_WIDTH);
    if (cut <= indent.length) break;
    lines.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut + 1);
  }
  return [...lines, rest].join('\n');
}

function flagNotes(spec: FlagSpec): string[] {
  if (spec.kind === 'repeatable-string') return [spec.required ? '(repeatable, at least one)' : '(repeatable)'];
  const notes: string[] = [];
  if ((spec.kind === 'string' || spec.kind === 'string-list') && spec.choices) notes.push(`(${spec.choices.join(' | ')})`);
  if (spec.kind !== 'boolean') {
    if (spec.required && spec.default === undefined) notes.push('(required)');
    const shown = spec.defaultText ?? (spec.default === undefined ? undefined : Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default));
    if (shown !== undefined) notes.push(`[default: ${shown}]`);
  }
  if (spec.env !== undefined) notes.push(`[env ${spec.env}]`);
  return notes;
}
