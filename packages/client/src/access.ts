import { readFile } from 'node:fs/promises';
import type { TranslatorClientOptions } from './config.js';
import { ClientConfigError } from './errors.js';

/** Where a caller's translator access comes from: PEM files for TLS, a token file, or the token itself. */
export interface TranslatorAccessFiles {
  /** CA the translator's certificate chains to; turns TLS on. */
  readonly caFile?: string;
  /** Client certificate for a server with mTLS; needs `keyFile` and `caFile`. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** File holding the bearer token (one line). */
  readonly tokenFile?: string;
  /** The bearer token itself, used when there is no `tokenFile` (the environment's SIM2REAL_TOKEN). */
  readonly token?: string;
}

/** One translator access setting: its field, its command-line flag and its environment variable. */
export interface TranslatorAccessSetting {
  readonly key: Exclude<keyof TranslatorAccessFiles, 'token'>;
  /** Without the leading `--`. */
  readonly flag: string;
  readonly env: string;
  /** One line for `--help`. */
  readonly help: string;
}

/**
 * Every translator access setting, declared once: the CLI builds its flags and help from it, the services' mains
 * read the same environment variables. The token itself is never a flag (argv is visible to every local user): it
 * comes from a file, or from SIM2REAL_TOKEN.
 */
export const TRANSLATOR_ACCESS_SETTINGS: readonly TranslatorAccessSetting[] = [
  { key: 'caFile', flag: 'translator-ca', env: 'SIM2REAL_TRANSLATOR_CA', help: 'PEM CA of the translator: TLS on (default plaintext)' },
  { key: 'certFile', flag: 'translator-cert', env: 'SIM2REAL_TRANSLATOR_CERT', help: 'PEM client certificate for mTLS (with --translator-key)' },
  { key: 'keyFile', flag: 'translator-key', env: 'SIM2REAL_TRANSLATOR_KEY', help: 'PEM key of --translator-cert' },
  { key: 'tokenFile', flag: 'token-file', env: 'SIM2REAL_TOKEN_FILE', help: 'file holding the bearer token (else SIM2REAL_TOKEN)' },
];

/** The access settings found in an environment (`SIM2REAL_TRANSLATOR_*`, `SIM2REAL_TOKEN_FILE`, `SIM2REAL_TOKEN`); empty values count as unset. */
export function translatorAccessFromEnv(env: NodeJS.ProcessEnv): TranslatorAccessFiles {
  const files = Object.fromEntries(TRANSLATOR_ACCESS_SETTINGS.filter((s) => env[s.env]).map((s) => [s.key, env[s.env]]));
  return env.SIM2REAL_TOKEN ? { ...files, token: env.SIM2REAL_TOKEN } : files;
}

const settingOf = (key: TranslatorAccessSetting['key']): TranslatorAccessSetting => TRANSLATOR_ACCESS_SETTINGS.find((s) => s.key === key)!;
const flagOf = (key: TranslatorAccessSetting['key']): string => settingOf(key).flag;
/** How a sentence names a setting: its flag and its variable, since either may have given it. */
const named = (key: TranslatorAccessSetting['key']): string => `--${settingOf(key).flag} (${settingOf(key).env})`;

/**
 * Reads the files of the settings into the client's `tls` and `token` options (so a wrong path fails at start with
 * its flag named). Throws ClientConfigError whose `field` is the flag (without `--`).
 */
export async function readTranslatorAccess(files: TranslatorAccessFiles): Promise<Pick<TranslatorClientOptions, 'tls' | 'token'>> {
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    const missing = files.certFile === undefined ? 'certFile' : 'keyFile';
    throw new ClientConfigError(flagOf(missing), '--translator-cert and --translator-key go together.');
  }
  if (files.certFile !== undefined && files.caFile === undefined) {
    throw new ClientConfigError(flagOf('caFile'), '--translator-cert needs --translator-ca (a client certificate is sent over TLS only).');
  }
  const read = async (key: TranslatorAccessSetting['key']): Promise<Buffer | undefined> => {
    const file = files[key];
    if (file === undefined) return undefined;
    return readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new ClientConfigError(flagOf(key), `${named(key)} ${file} cannot be read (${error.code ?? error.message}).`, { cause: error });
    });
  };
  const [ca, cert, key, tokenFile] = await Promise.all([read('caFile'), read('certFile'), read('keyFile'), read('tokenFile')]);
  const token = tokenFile === undefined ? files.token : tokenFile.toString('utf8').trim();
  if (tokenFile !== undefined && !token) throw new ClientConfigError(flagOf('tokenFile'), `${named('tokenFile')} ${files.tokenFile} is empty.`);
  return { tls: ca ? { ca, cert, key } : undefined, token: token || undefined };
}
