export { choice, flag, integer, parseConfig, real, requiredText, sentence } from './schema.js';
export type { ConfigErrorFactory } from './schema.js';
