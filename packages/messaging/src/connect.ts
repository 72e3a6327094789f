import { readFileSync } from 'node:fs';
import {
  AuthorizationError,
  PermissionViolationError,
  UserAuthenticationExpiredError,
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/transport-node';
import { NatsConnectError, NatsOptionsError, NatsPermissionError } from './errors.js';

/** How a process authenticates to NATS and secures the connection; every field is optional (no auth, plain TCP). */
export interface NatsAuthOptions {
  /** A `.creds` file (user JWT + nkey seed), as `nsc` writes it. */
  readonly credsFile?: string;
  /** A file holding an nkey seed (`SU...`). */
  readonly nkeyFile?: string;
  /** User name; needs `pass`. */
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** CA certificate (PEM) that signed the server's certificate; turns TLS on. */
  readonly caFile?: string;
  /** Client certificate (PEM) for mutual TLS; needs `keyFile`. */
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** One credentials setting: its field, its command-line flag and its environment variable. */
export interface NatsAuthSetting {
  readonly key: keyof NatsAuthOptions;
  /** Without the leading `--`. */
  readonly flag: string;
  readonly env: string;
  /** One line for `--help`. */
  readonly help: string;
}

/**
 * Every NATS credentials setting, declared once: the CLI builds its flags and help from it, the services' mains
 * read the same environment variables.
 */
export const NATS_AUTH_SETTINGS: readonly NatsAuthSetting[] = [
  { key: 'credsFile', flag: 'nats-creds', env: 'SIM2REAL_NATS_CREDS', help: 'NATS credentials file (user JWT + seed)' },
  { key: 'nkeyFile', flag: 'nats-nkey', env: 'SIM2REAL_NATS_NKEY', help: 'file holding a NATS nkey seed' },
  { key: 'user', flag: 'nats-user', env: 'SIM2REAL_NATS_USER', help: 'NATS user (with --nats-pass)' },
  { key: 'pass', flag: 'nats-pass', env: 'SIM2REAL_NATS_PASS', help: 'NATS password' },
  { key: 'token', flag: 'nats-token', env: 'SIM2REAL_NATS_TOKEN', help: 'NATS token' },
  { key: 'caFile', flag: 'nats-ca', env: 'SIM2REAL_NATS_CA', help: 'CA certificate of the NATS server (turns TLS on)' },
  { key: 'certFile', flag: 'nats-cert', env: 'SIM2REAL_NATS_CERT', help: 'client certificate for NATS mutual TLS (with --nats-key)' },
  { key: 'keyFile', flag: 'nats-key', env: 'SIM2REAL_NATS_KEY', help: 'client key for NATS mutual TLS' },
];

/** The credentials settings found in an environment (`SIM2REAL_NATS_*`); empty values count as unset. */
export function natsAuthFromEnv(env: NodeJS.ProcessEnv): NatsAuthOptions {
  return Object.fromEntries(NATS_AUTH_SETTINGS.filter((s) => env[s.env]).map((s) => [s.key, env[s.env]]));
}

function readSetting(file: string, flag: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new NatsOptionsError(`--${flag} ${file} cannot be read: ${(error as Error).message}.`, flag, { cause: error });
  }
}

/**
 * The nats.js connection options of these settings: files are read now (so a wrong path fails at start with its
 * flag named), one way of authenticating at most. Throws NatsOptionsError.
 */
export function natsConnectionOptions(auth: NatsAuthOptions): Partial<ConnectionOptions> {
  const ways = (['credsFile', 'nkeyFile', 'user', 'token'] as const).filter((k) => auth[k] !== undefined);
  if (ways.length > 1) {
    const flags = ways.map((k) => `--${NATS_AUTH_SETTINGS.find((s) => s.key === k)!.flag}`);
    throw new NatsOptionsError(`Give one way of authenticating to NATS, not ${flags.join(' and ')}.`, flags[1]!.slice(2));
  }
  if ((auth.user === undefined) !== (auth.pass === undefined)) {
    throw new NatsOptionsError('--nats-user and --nats-pass go together.', auth.user === undefined ? 'nats-user' : 'nats-pass');
  }
  if ((auth.certFile === undefined) !== (auth.keyFile === undefined)) {
    throw new NatsOptionsError('--nats-cert and --nats-key go together.', auth.certFile === undefined ? 'nats-cert' : 'nats-key');
  }
  const options: Partial<ConnectionOptions> = {};
  if (auth.credsFile !== undefined) options.authenticator = credsAuthenticator(readSetting(auth.credsFile, 'nats-creds'));
  if (auth.nkeyFile !== undefined) {
    const seed = new TextDecoder().decode(readSetting(auth.nkeyFile, 'nats-nkey')).trim();
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.pass });
  if (auth.token !== undefined) options.token = auth.token;
  if (auth.caFile !== undefined || auth.certFile !== undefined) {
    for (const [file, flag] of [[auth.caFile, 'nats-ca'], [auth.certFile, 'nats-cert'], [auth.keyFile, 'nats-key']] as const) {
      if (file !== undefined) readSetting(file, flag);
    }
    options.tls = { caFile: auth.caFile, certFile: auth.certFile, keyFile: auth.keyFile };
  }
  return options;
}

/** Options of `connectNats`. */
export interface ConnectNatsOptions {
  readonly servers: string | readonly string[];
  /** Client name shown by the server's monitoring. */
  readonly name: string;
  /** @default no credentials, plain TCP */
  readonly auth?: NatsAuthOptions;
  /** Keep reconnecting for ever after the first connection (services); false for one-shot commands. @default true */
  readonly reconnect?: boolean;
  /** @default 500 */
  readonly reconnectTimeWaitMs?: number;
  /** Time allowed for the first connection. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Connects with the given credentials. A refusal of the credentials (or their absence where the server wants
 * some) rejects with NatsConnectError `auth` and a sentence naming the flags; an unreachable server with
 * NatsConnectError `unreachable`. Either way the caller should not retry blindly.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? options.servers.split(',') : [...options.servers];
  const extra = natsConnectionOptions(options.auth ?? {});
  try {
    return await connect({
      servers,
      name: options.name,
      timeout: options.timeoutMs ?? 5000,
      ...(options.reconnect === false ? { reconnect: false } : { maxReconnectAttempts: -1, reconnectTimeWait: options.reconnectTimeWaitMs ?? 500 }),
      ...extra,
    });
  } catch (error) {
    throw connectError(error, servers, options.auth ?? {});
  }
}

function connectError(error: unknown, servers: readonly string[], auth: NatsAuthOptions): NatsConnectError {
  const where = servers.join(', ');
  if (error instanceof AuthorizationError || error instanceof UserAuthenticationExpiredError) {
    const given = NATS_AUTH_SETTINGS.filter((s) => auth[s.key] !== undefined && !['caFile', 'certFile', 'keyFile', 'pass'].includes(s.key)).map((s) => `--${s.flag}`);
    const hint = given.length === 0
      ? 'it needs credentials: give --nats-creds, --nats-nkey, --nats-user/--nats-pass or --nats-token (or SIM2REAL_NATS_*)'
      : `it refused ${given.join(' ')}`;
    return new NatsConnectError(`The NATS server at ${where} refused the connection (authorization violation): ${hint}.`, 'auth', { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new NatsConnectError(`Could not connect to NATS at ${where}: ${detail}.`, 'unreachable', { cause: error });
}

/**
 * The NatsPermissionError for a publish or request that the server refused for lack of permission, else undefined.
 * nats.js reports these as PermissionViolationError, sometimes wrapped as a cause.
 */
export function permissionError(error: unknown): NatsPermissionError | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof PermissionViolationError) {
      return new NatsPermissionError(`The NATS server denies this account permission to ${e.operation} on "${e.subject}": grant it in the server's permissions.`, e.subject, { cause: error });
    }
    if (/permissions? violation/i.test(e.message)) {
      const subject = /"([^"]+)"/.exec(e.message)?.[1] ?? /to ([^\s]+)/.exec(e.message)?.[1] ?? '';
      return new NatsPermissionError(`The NATS server denies this account permission (${e.message}): grant it in the server's permissions.`, subject, { cause: error });
    }
  }
  return undefined;
}
