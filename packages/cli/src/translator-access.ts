import { ClientConfigError, TRANSLATOR_ACCESS_SETTINGS, readTranslatorAccess, translatorAccessFromEnv } from '@sim2real/client';
import type { TranslatorAccessFiles, TranslatorClientOptions } from '@sim2real/client';
import { defineFlags } from '@sim2real/flags';
import type { StringFlag } from '@sim2real/flags';
import { UsageError } from './errors.js';
import type { FlagRecord } from './options.js';

/** `--translator-ca`, ..., `--token-file`: the flags of a command that calls the translator, from `@sim2real/client`'s TRANSLATOR_ACCESS_SETTINGS. */
export const TRANSLATOR_ACCESS_FLAGS = defineFlags(
  Object.fromEntries(TRANSLATOR_ACCESS_SETTINGS.map((s) => [s.flag, { kind: 'string', value: 'FILE', help: s.help, env: s.env }])) as Record<string, StringFlag>,
);

/** TLS files and token for the translator client from the values of TRANSLATOR_ACCESS_FLAGS, and SIM2REAL_TOKEN. Throws UsageError. */
export async function translatorAccess(
  flags: FlagRecord,
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<Pick<TranslatorClientOptions, 'tls' | 'token'>> {
  const fromFlags = TRANSLATOR_ACCESS_SETTINGS.flatMap((s) => (typeof flags[s.flag] === 'string' ? [[s.key, flags[s.flag]] as const] : []));
  const files: TranslatorAccessFiles = { ...translatorAccessFromEnv(env), ...Object.fromEntries(fromFlags) };
  try {
    return await readTranslatorAccess(files);
  } catch (error) {
    if (error instanceof ClientConfigError) throw new UsageError(error.message, command);
    throw error;
  }
}
