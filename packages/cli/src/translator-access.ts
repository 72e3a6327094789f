import { readFile } from 'node:fs/promises';
import type { TranslatorClientOptions } from '@sim2real/client';
import type { ParsedOptions } from './command.js';
import { UsageError } from './errors.js';
import { optionalString } from './options.js';

/** Flags of a command that calls the translator over gRPC: TLS trust, client certificate (mTLS), bearer token. */
export const TRANSLATOR_ACCESS_OPTIONS = {
  'translator-ca': { type: 'string' },
  'translator-cert': { type: 'string' },
  'translator-key': { type: 'string' },
  'token-file': { type: 'string' },
} as const;

/** `--help` lines of TRANSLATOR_ACCESS_OPTIONS. */
export const TRANSLATOR_ACCESS_USAGE = `  --translator-ca FILE      PEM CA the translator's certificate chains to: TLS on
                            (SIM2REAL_TRANSLATOR_CA)                  [default: plaintext]
  --translator-cert FILE    PEM client certificate, for a server with mTLS (SIM2REAL_TRANSLATOR_CERT)
  --translator-key FILE     PEM key of --translator-cert (SIM2REAL_TRANSLATOR_KEY)
  --token-file FILE         file holding the bearer token (else SIM2REAL_TOKEN)`;

/** TLS files and token for the translator client, from the flags, then the environment. */
export async function translatorAccess(
  options: ParsedOptions,
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<Pick<TranslatorClientOptions, 'tls' | 'token'>> {
  const read = async (flag: string, envName: string): Promise<Buffer | undefined> => {
    const file = optionalString(options, flag) ?? (env[envName] || undefined);
    if (file === undefined) return undefined;
    return readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--${flag} ${file} cannot be read (${error.code ?? error.message}).`, command);
    });
  };
  const [ca, cert, key, tokenFile] = await Promise.all([
    read('translator-ca', 'SIM2REAL_TRANSLATOR_CA'),
    read('translator-cert', 'SIM2REAL_TRANSLATOR_CERT'),
    read('translator-key', 'SIM2REAL_TRANSLATOR_KEY'),
    read('token-file', 'SIM2REAL_TOKEN_FILE'),
  ]);
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--translator-cert and --translator-key go together.', command);
  if (cert && !ca) throw new UsageError('--translator-cert needs --translator-ca (a client certificate is sent over TLS only).', command);
  const token = tokenFile?.toString('utf8').trim() || env.SIM2REAL_TOKEN || undefined;
  return { tls: ca ? { ca, cert, key } : undefined, token };
}
