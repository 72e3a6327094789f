import type { NatsConnection } from '@nats-io/transport-node';
import { DATASET_PATTERN, NATS_AUTH_SETTINGS, NatsOptionsError, connectNats, natsConnectionOptions, type NatsAuthOptions } from '@sim2real/messaging';
import { defineFlags } from '@sim2real/flags';
import type { StringFlag } from '@sim2real/flags';
import { UsageError } from './errors.js';

/** The NATS server a command talks to when neither `--nats` nor `NATS_URL` names one. */
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** `--dataset NAME`: a dataset name, one NATS subject token. */
export const DATASET_FLAGS = defineFlags({
  dataset: { kind: 'string', value: 'NAME', help: 'the dataset', required: true, pattern: { regex: DATASET_PATTERN, description: 'letters, digits, "_" or "-"' } },
});

/** The NATS credentials and TLS flags (`--nats-creds`, ...), from `@sim2real/messaging`'s NATS_AUTH_SETTINGS. */
export const NATS_AUTH_FLAGS = defineFlags(
  Object.fromEntries(
    NATS_AUTH_SETTINGS.map((s) => [s.flag, { kind: 'string', value: s.key === 'user' || s.key === 'pass' || s.key === 'token' ? 'VALUE' : 'FILE', help: s.help, env: s.env }]),
  ) as Record<string, StringFlag>,
);

/** `--nats URL` and the credentials and TLS flags, for the flag table of every NATS-facing command. */
export const NATS_FLAGS = defineFlags({
  nats: { kind: 'string', value: 'URL', help: 'NATS server', env: 'NATS_URL', default: DEFAULT_NATS_URL },
  ...NATS_AUTH_FLAGS,
});

/** `--vgg DIR`: VGG-19 weights of the self-regularisation loss and the attention encoder. */
export const VGG_FLAGS = defineFlags({
  vgg: {
    kind: 'string',
    value: 'DIR',
    help: 'VGG-19 weights (TensorFlow.js layers format); without them: pixel L1 self-regularisation and a random attention encoder (degraded mode, announced)',
    env: 'SIM2REAL_VGG_DIR',
  },
});

/** The typed values of a command's flag table, read by the helpers of one flag group in it. */
export type FlagRecord = Readonly<Record<string, unknown>>;

/** Connects a command to NATS with the values of NATS_FLAGS; errors are one sentence. */
export function connectCommandNats(flags: FlagRecord & { readonly nats: string }, command: string, name: string): Promise<NatsConnection> {
  return connectNats({ servers: flags.nats, name, auth: natsAuth(flags, command) });
}

/** NATS credentials and TLS from the values of NATS_AUTH_FLAGS (each already falling back to its variable). Throws UsageError. */
export function natsAuth(flags: FlagRecord, command: string): NatsAuthOptions {
  const auth = Object.fromEntries(NATS_AUTH_SETTINGS.flatMap((s) => (typeof flags[s.flag] === 'string' ? [[s.key, flags[s.flag]]] : []))) as NatsAuthOptions;
  try {
    natsConnectionOptions(auth);
  } catch (error) {
    if (error instanceof NatsOptionsError) throw new UsageError(error.message, command);
    throw error;
  }
  return auth;
}
