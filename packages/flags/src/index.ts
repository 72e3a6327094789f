export { defineFlags } from './table.js';
export type { BooleanFlag, FlagSpec, FlagTable, FlagValue, FlagValues, IntegerFlag, IntegerListFlag, NumberFlag, RepeatableStringFlag, StringFlag, StringListFlag } from './table.js';
export { flagValues, parseArgsOptions, parseFlags } from './parse.js';
export type { ParsedFlags } from './parse.js';
export { flagHelpLines } from './help.js';
export { FlagError } from './errors.js';
export { parseScriptFlags, scriptHelp } from './script.js';
export type { ScriptDefinition } from './script.js';
export type { ProcessIo } from './io.js';
