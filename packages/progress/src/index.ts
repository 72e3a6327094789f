export { Progress, formatDuration } from './progress.js';
export type { ProgressFields, ProgressOptions } from './progress.js';
export { EventLineError, eventFields, parseEventObject, unknownEvent } from './event-lines.js';
export type { EventFields, EventObject } from './event-lines.js';
export { progressEvent } from './progress-event.js';
export type { ProgressEvent } from './progress-event.js';
