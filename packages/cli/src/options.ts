import type { NatsConnection } from '@nats-io/transport-node';
import { DATASET_PATTERN, NATS_AUTH_SETTINGS, NatsOptionsError, connectNats, natsAuthFromEnv, natsConnectionOptions, type NatsAuthOptions } from '@sim2real/messaging';
import { defineFlags } from '@sim2real/flags';
import type { StringFlag } from '@sim2real/flags';
import { UsageError } from './errors.js';
import type { ParsedOptions } from './command.js';

/** A required string flag. */
export function requireString(options: ParsedOptions, name: string, command: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`--${name} is required.`, command);
  }
  return value;
}

/** An optional string flag. */
export function optionalString(options: ParsedOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An optional integer flag within [min, max]; `undefined` when absent. */
export function optionalInt(
  options: ParsedOptions,
  name: string,
  command: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  const raw = optionalString(options, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}".`, command);
  }
  return value;
}

/** The NATS server a command talks to when neither `--nats` nor `NATS_URL` names one. */
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** The NATS URL every NATS-facing command accepts: `--nats`, then `NATS_URL`, then the local default. */
export function natsUrl(options: FlagRecord, env: NodeJS.ProcessEnv): string {
  return stringFlag(options, 'nats') ?? (env.NATS_URL || DEFAULT_NATS_URL);
}

/** `--dataset NAME`: a dataset name, one NATS subject token. */
export const DATASET_FLAGS = defineFlags({
  dataset: { kind: 'string', value: 'NAME', help: 'the dataset', required: true, pattern: { regex: DATASET_PATTERN, description: 'letters, digits, "_" or "-"' } },
});

/** `--nats URL` and the credentials and TLS flags (`--nats-creds`, ...), for the flag table of every NATS-facing command. */
export const NATS_FLAGS = defineFlags({
  nats: { kind: 'string', value: 'URL', help: 'NATS server', env: 'NATS_URL', default: DEFAULT_NATS_URL },
  ...(Object.fromEntries(
    NATS_AUTH_SETTINGS.map((s) => [s.flag, { kind: 'string', value: s.key === 'user' || s.key === 'pass' || s.key === 'token' ? 'VALUE' : 'FILE', help: s.help, env: s.env }]),
  ) as Record<string, StringFlag>),
});

/** The `--nats` flag and the credentials flags (`--nats-creds`, ...), shared by every NATS-facing command. */
export const NATS_OPTION = {
  nats: { type: 'string' },
  ...Object.fromEntries(NATS_AUTH_SETTINGS.map((s) => [s.flag, { type: 'string' }])),
} as Record<string, { type: 'string' }>;

/** The help lines of the credentials flags, for the usage text of every NATS-facing command. */
export const NATS_AUTH_HELP = NATS_AUTH_SETTINGS.map((s) => `  --${`${s.flag} ${s.key === 'user' || s.key === 'pass' || s.key === 'token' ? 'VALUE' : 'FILE'}`.padEnd(23)}${s.help} [env ${s.env}]`).join('\n');

/** Parsed flags of any shape: what the NATS helpers read their flags from, legacy `ParsedOptions` or typed values. */
type FlagRecord = Readonly<Record<string, unknown>>;

function stringFlag(options: FlagRecord, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Connects a command to NATS with `--nats` and the credentials flags (or their environment); errors are one sentence. */
export function connectCommandNats(options: FlagRecord, env: NodeJS.ProcessEnv, command: string, name: string): Promise<NatsConnection> {
  return connectNats({ servers: natsUrl(options, env), name, auth: natsAuth(options, env, command) });
}

/** NATS credentials and TLS from the flags, each falling back to its `SIM2REAL_NATS_*` variable. Throws UsageError. */
export function natsAuth(options: FlagRecord, env: NodeJS.ProcessEnv, command: string): NatsAuthOptions {
  const fromEnv = natsAuthFromEnv(env);
  const auth = Object.fromEntries(
    NATS_AUTH_SETTINGS.map((s) => [s.key, stringFlag(options, s.flag) ?? fromEnv[s.key]]).filter(([, v]) => v !== undefined),
  ) as NatsAuthOptions;
  try {
    natsConnectionOptions(auth);
  } catch (error) {
    if (error instanceof NatsOptionsError) throw new UsageError(error.message, command);
    throw error;
  }
  return auth;
}

/** `--vgg DIR`, then `SIM2REAL_VGG_DIR`; undefined means "no weights" (degraded mode, announced by the trainer). */
export function vggDir(options: ParsedOptions, env: NodeJS.ProcessEnv): string | undefined {
  return optionalString(options, 'vgg') ?? (env.SIM2REAL_VGG_DIR || undefined);
}
