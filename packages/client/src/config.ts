import type { ChannelOptions } from '@grpc/grpc-js';
import { z } from 'zod';
import { flag, integer, parseConfig, sentence } from '@sim2real/config';
import { ClientConfigError } from './errors.js';

/** PEM text or bytes, as bytes. */
const pem = z
  .union([z.instanceof(Buffer), z.string()], { error: (issue) => `must be PEM text or a Buffer, got ${typeof issue.input}` })
  .transform((value) => (typeof value === 'string' ? Buffer.from(value) : value));

const tlsSchema = z.object({
  /** CA certificate(s) that signed the server's certificate. Default: the system's roots. */
  ca: pem.optional(),
  /** Client certificate chain for mutual TLS; needs `key`. */
  cert: pem.optional(),
  /** Private key of `cert`. */
  key: pem.optional(),
  /** Host name to check the server's certificate against, when it differs from the target's. */
  serverName: z.string().optional(),
});

const retrySchema = z
  .object({
    /** Attempts in all, the first included; 1 turns retries off. */
    maxAttempts: integer(1).default(4),
    /** Upper bound of the first backoff, in ms; each next one doubles (full jitter: a random wait up to it). */
    initialBackoffMs: integer(0).default(100),
    /** Cap of the backoff bound, in ms. */
    maxBackoffMs: integer(0).default(5000),
  })
  .prefault({});

/** Options of `createTranslatorClient`, their defaults and checks. */
const clientConfigSchema = z
  .object({
    /** TLS: `true` for the system's CA roots, or the CA and client certificate to use; false = plaintext. */
    tls: z.union([flag(), tlsSchema]).default(false),
    /** Sent as `authorization: Bearer <token>` on every call. Default: none. */
    token: z
      .string()
      .refine((token) => token !== '' && !/[\r\n]/.test(token), { error: 'must be a non-empty string on one line' })
      .optional(),
    /** Deadline of unary calls, from the first attempt to the last. */
    timeoutMs: integer(1).default(60_000),
    retry: retrySchema,
    /** Requests of one `translateStream` sent but not yet answered; more wait (backpressure). */
    maxInFlightPerStream: integer(1).default(8),
    /** Largest message received or sent, in bytes (16 MiB, the server's default). */
    maxMessageBytes: integer(1).default(16 * 1024 * 1024),
    /**
     * grpc-js channel options set over the client's own, for what it does not choose: keepalive
     * (`grpc.keepalive_time_ms`), reconnection backoff, load balancing (`grpc.service_config`), ...
     */
    channelOptions: z
      .custom<ChannelOptions>((value) => typeof value === 'object' && value !== null, { error: 'must be an object of grpc-js channel options' })
      .default(() => ({}))
      .transform((options) => ({ ...options })),
  })
  .transform(({ tls, ...options }) => ({ ...options, tls: tls === true ? {} : tls }))
  .superRefine(({ tls }, ctx) => {
    if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
      ctx.addIssue(sentence('tls', 'tls.cert and tls.key go together: give both for mutual TLS, or neither.'));
    }
  });

/** TLS of the channel: the server's CA and, for mutual TLS, the client's certificate and key (PEM). */
export type TlsOptions = z.input<typeof tlsSchema>;
/** Retries of unary calls that end UNAVAILABLE (server shutting down, connection refused or lost). */
export type RetryOptions = z.input<typeof retrySchema>;
/** Options of `createTranslatorClient`. */
export type TranslatorClientOptions = z.input<typeof clientConfigSchema>;
/** Options resolved against the defaults and checked. */
export type TranslatorClientConfig = z.output<typeof clientConfigSchema>;

/** Applies the defaults and checks every option; throws ClientConfigError naming the first bad one. */
export function resolveClientConfig(options: TranslatorClientOptions = {}): TranslatorClientConfig {
  return parseConfig(clientConfigSchema, options, (field, message) => new ClientConfigError(field, message));
}
