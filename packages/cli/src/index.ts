export { main } from './main.js';
export type { CommandContext, CommandSpec, ParsedOptions } from './command.js';
export { UsageError, PartialFailureError } from './errors.js';
