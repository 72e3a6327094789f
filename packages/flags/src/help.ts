import type { FlagSpec, FlagTable } from './table.js';

/** Width of the `--flag VALUE` column of help lines. */
const FLAG_COLUMN = 24;

/** The help line of each flag, in table order: `--name VALUE  help [choices] [default: …] [env VAR]`. */
export function flagHelpLines(table: FlagTable): string[] {
  return Object.entries(table).map(([name, spec]) => {
    const synopsis = spec.kind === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? (spec.kind === 'string' ? 'VALUE' : 'N')}`;
    const notes = flagNotes(spec);
    const text = notes.length > 0 ? `${spec.help} ${notes.join(' ')}` : spec.help;
    const column = synopsis.length < FLAG_COLUMN - 2 ? synopsis.padEnd(FLAG_COLUMN) : `${synopsis}  `;
    return `  ${column}${text}`;
  });
}

function flagNotes(spec: FlagSpec): string[] {
  const notes: string[] = [];
  if (spec.kind === 'string' && spec.choices) notes.push(`(${spec.choices.join(' | ')})`);
  if (spec.kind !== 'boolean') {
    if (spec.required && spec.default === undefined) notes.push('(required)');
    const shown = spec.defaultText ?? (spec.default === undefined ? undefined : String(spec.default));
    if (shown !== undefined) notes.push(`[default: ${shown}]`);
  }
  if (spec.env !== undefined) notes.push(`[env ${spec.env}]`);
  return notes;
}
