export { main } from './main.js';
export { Progress, formatDuration } from './progress.js';
export type { ProgressFields, ProgressOptions } from './progress.js';
export type { CommandContext, CommandSpec, ParsedOptions } from './command.js';
export { UsageError, PartialFailureError } from './errors.js';
