import { readFile } from 'node:fs/promises';
import { unknownTranslationOptions, type TranslationOptions } from './config.js';
import { ConfigError } from './errors.js';

/**
 * The JSON object of translation options in `file` (`train --config`, a benchmark's `--translator-config`);
 * `resolveTranslationConfig` checks the values. Throws `ConfigError` (field `file`) for an unreadable file or one
 * that does not hold a JSON object, or names an option that does not exist (a misspelt option would otherwise be
 * dropped unread).
 */
export async function readTranslationOptions(file: string): Promise<TranslationOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('file', `${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('file', `${file} must hold a JSON object.`);
  const [unknown] = unknownTranslationOptions(parsed as Record<string, unknown>);
  if (unknown !== undefined) throw new ConfigError('file', `${file} sets "${unknown}", which is not a translation option (config.schema.json lists them).`);
  return parsed;
}
