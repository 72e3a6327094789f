export { choice, flag, integer, list, parseConfig, real, requiredText, sentence } from './schema.js';
export type { ConfigErrorFactory } from './schema.js';
