export { defineFlags } from './table.js';
export type { BooleanFlag, FlagSpec, FlagTable, FlagValue, FlagValues, IntegerFlag, NumberFlag, StringFlag } from './table.js';
export { flagValues, parseArgsOptions, parseFlags } from './parse.js';
export type { ParsedFlags } from './parse.js';
export { flagHelpLines } from './help.js';
export { FlagError } from './errors.js';
