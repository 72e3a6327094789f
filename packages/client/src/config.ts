import type { ChannelOptions } from '@grpc/grpc-js';
import { ClientConfigError } from './errors.js';

/** TLS of the channel: the server's CA and, for mutual TLS, the client's certificate and key (PEM). */
export interface TlsOptions {
  /** CA certificate(s) that signed the server's certificate. @default undefined (the system's roots) */
  ca?: Buffer | string;
  /** Client certificate chain for mutual TLS; needs `key`. */
  cert?: Buffer | string;
  /** Private key of `cert`. */
  key?: Buffer | string;
  /** Host name to check the server's certificate against, when it differs from the target's. */
  serverName?: string;
}

/** Retries of unary calls that end UNAVAILABLE (server shutting down, connection refused or lost). */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 turns retries off. @default 4 */
  maxAttempts?: number;
  /** Upper bound of the first backoff; each next one doubles (full jitter: a random wait up to it). @default 100 */
  initialBackoffMs?: number;
  /** Cap of the backoff bound. @default 5000 */
  maxBackoffMs?: number;
}

/** Options of `createTranslatorClient`. */
export interface TranslatorClientOptions {
  /** TLS: `true` for the system's CA roots, or the CA and client certificate to use. @default false (plaintext) */
  tls?: boolean | TlsOptions;
  /** Sent as `authorization: Bearer <token>` on every call. @default undefined */
  token?: string;
  /** Deadline of unary calls, from the first attempt to the last. @default 60_000 */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Requests of one `translateStream` sent but not yet answered; more wait (backpressure). @default 8 */
  maxInFlightPerStream?: number;
  /** Largest message received or sent. @default 16_777_216 (16 MiB, the server's default) */
  maxMessageBytes?: number;
  /**
   * grpc-js channel options set over the client's own, for what it does not choose: keepalive
   * (`grpc.keepalive_time_ms`), reconnection backoff, load balancing (`grpc.service_config`), ... @default {}
   */
  channelOptions?: ChannelOptions;
}

/** Options resolved against the defaults and checked. */
export interface TranslatorClientConfig {
  tls: false | { ca: Buffer | undefined; cert: Buffer | undefined; key: Buffer | undefined; serverName: string | undefined };
  token: string | undefined;
  timeoutMs: number;
  retry: { maxAttempts: number; initialBackoffMs: number; maxBackoffMs: number };
  maxInFlightPerStream: number;
  maxMessageBytes: number;
  channelOptions: ChannelOptions;
}

export const CLIENT_DEFAULTS = {
  timeoutMs: 60_000,
  maxAttempts: 4,
  initialBackoffMs: 100,
  maxBackoffMs: 5000,
  maxInFlightPerStream: 8,
  maxMessageBytes: 16 * 1024 * 1024,
} as const;

function positiveInt(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new ClientConfigError(field, `${field} must be an integer ≥ ${min}, got ${value}.`);
  return value;
}

const pem = (value: Buffer | string | undefined): Buffer | undefined => (typeof value === 'string' ? Buffer.from(value) : value);

/** Applies the defaults and checks every option; throws ClientConfigError naming the first bad one. */
export function resolveClientConfig(options: TranslatorClientOptions = {}): TranslatorClientConfig {
  const tlsOptions = options.tls === true ? {} : options.tls || undefined;
  if (tlsOptions && (tlsOptions.cert === undefined) !== (tlsOptions.key === undefined)) {
    throw new ClientConfigError('tls', 'tls.cert and tls.key go together: give both for mutual TLS, or neither.');
  }
  if (options.token !== undefined && (options.token === '' || /[\r\n]/.test(options.token))) {
    throw new ClientConfigError('token', 'token must be a non-empty string on one line.');
  }
  const retry = options.retry ?? {};
  return {
    tls: tlsOptions ? { ca: pem(tlsOptions.ca), cert: pem(tlsOptions.cert), key: pem(tlsOptions.key), serverName: tlsOptions.serverName } : false,
    token: options.token,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs),
    retry: {
      maxAttempts: positiveInt('retry.maxAttempts', retry.maxAttempts ?? CLIENT_DEFAULTS.maxAttempts),
      initialBackoffMs: positiveInt('retry.initialBackoffMs', retry.initialBackoffMs ?? CLIENT_DEFAULTS.initialBackoffMs, 0),
      maxBackoffMs: positiveInt('retry.maxBackoffMs', retry.maxBackoffMs ?? CLIENT_DEFAULTS.maxBackoffMs, 0),
    },
    maxInFlightPerStream: positiveInt('maxInFlightPerStream', options.maxInFlightPerStream ?? CLIENT_DEFAULTS.maxInFlightPerStream),
    maxMessageBytes: positiveInt('maxMessageBytes', options.maxMessageBytes ?? CLIENT_DEFAULTS.maxMessageBytes),
    channelOptions: { ...options.channelOptions },
  };
}
