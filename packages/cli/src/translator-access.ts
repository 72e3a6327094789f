import { ClientConfigError, TRANSLATOR_ACCESS_SETTINGS, readTranslatorAccess, translatorAccessFromEnv } from '@sim2real/client';
import type { TranslatorAccessFiles, TranslatorClientOptions } from '@sim2real/client';
import type { ParsedOptions } from './command.js';
import { UsageError } from './errors.js';
import { optionalString } from './options.js';

/** Flags of a command that calls the translator over gRPC (`--translator-ca`, ..., `--token-file`), from `@sim2real/client`'s one declaration. */
export const TRANSLATOR_ACCESS_OPTIONS = Object.fromEntries(TRANSLATOR_ACCESS_SETTINGS.map((s) => [s.flag, { type: 'string' }])) as Record<string, { type: 'string' }>;

/** `--help` lines of TRANSLATOR_ACCESS_OPTIONS. */
export const TRANSLATOR_ACCESS_USAGE = TRANSLATOR_ACCESS_SETTINGS.map((s) => `  --${`${s.flag} FILE`.padEnd(23)}${s.help} [env ${s.env}]`).join('\n');

/** TLS files and token for the translator client, each flag falling back to its environment variable. Throws UsageError. */
export async function translatorAccess(
  options: ParsedOptions,
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<Pick<TranslatorClientOptions, 'tls' | 'token'>> {
  const fromFlags = TRANSLATOR_ACCESS_SETTINGS.flatMap((s) => {
    const file = optionalString(options, s.flag);
    return file === undefined ? [] : [[s.key, file] as const];
  });
  const files: TranslatorAccessFiles = { ...translatorAccessFromEnv(env), ...Object.fromEntries(fromFlags) };
  try {
    return await readTranslatorAccess(files);
  } catch (error) {
    if (error instanceof ClientConfigError) throw new UsageError(error.message, command);
    throw error;
  }
}
