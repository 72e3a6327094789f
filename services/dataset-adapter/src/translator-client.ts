import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { createTranslatorClient, type TranslateStreamCall, type TranslatorClient, type TranslatorClientOptions } from '@sim2real/client';
import type { Image, TranslateRequest, TranslateResponse__Output, TranslatedImage__Output } from '@sim2real/contracts';
import { TranslationFailedError, TranslationRefusedError, TranslatorUnavailableError } from './errors.js';

/** Options of the TranslateStream client. */
export interface TranslateStreamOptions {
  /**
   * How long a request may wait while its stream answers nothing: a translator working through a backlog answers
   * other requests meanwhile, and giving up on a request it will still compute would only double its work.
   */
  readonly requestTimeoutMs: number;
  readonly maxReceiveMessageBytes: number;
  /** Streams opened per model; round_robin places each on the next replica, so use one per replica. */
  readonly streamsPerModel: number;
  /** Images per request at most (the translator's `maxImagesPerRequest`); larger batches are split. */
  readonly maxImagesPerRequest: number;
  /** Bytes of image data per request at most (under the translator's receive limit); larger batches are split. */
  readonly maxRequestBytes: number;
  /** Requests of one batch on the wire at once. */
  readonly requestsInFlightPerBatch: number;
  /** gRPC keepalive ping interval: a translator that vanished without closing its connections is noticed after this plus the timeout. */
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** TLS and bearer token of the channel (`@sim2real/client`'s options). @default plaintext, no token */
  readonly access?: Pick<TranslatorClientOptions, 'tls' | 'token'>;
}

/** One translation asked of the translator. */
export interface TranslateCall {
  /** Correlates the responses (and the translator's request spans; split parts get `<id>/<part>`). @default a random UUID */
  readonly requestId?: string;
  /** `name` or `name@version`. */
  readonly model: string;
  readonly images: readonly Image[];
  readonly outputEncoding: Image['encoding'];
  /** W3C trace context of the caller's span, sent in the request (the stream's metadata is shared by every request). @default {} */
  readonly traceContext?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** The translated images of a call, in the order of its images. */
export interface TranslateResult {
  readonly modelVersion: string;
  readonly results: TranslatedImage__Output[];
  /** Requests it took (1 unless the batch was split). */
  readonly requests: number;
}

interface Pending {
  resolve(response: TranslateResponse__Output): void;
  reject(error: Error): void;
}

/** Status codes that say "not now": the batch waits for the translator, it is not at fault. */
const UNAVAILABLE_CODES = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.CANCELLED,
  // The route's model is missing or not loadable: a deployment matter, not the batch's.
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.UNAUTHENTICATED,
  grpc.status.PERMISSION_DENIED,
]);

/** The translator refused the adapter's credentials or role: a deployment matter, said as such. */
const ACCESS_CODES = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED]);

/** The sentence of a status that keeps the batch waiting for the translator. */
function unavailableMessage(code: number, text: string): string {
  return ACCESS_CODES.has(code)
    ? `The translator refused the adapter's access (${text}): check its token (--token-file, SIM2REAL_TOKEN_FILE or SIM2REAL_TOKEN) and role; the batch waits.`
    : `The translator cannot answer now (${text}).`;
}

/** The error of a failed request (a structured per-request error or a stream status), by what it means for the batch. */
export function classifyStatus(code: number, message: string, imageIndex = -1, cause?: unknown): Error {
  const text = `${grpc.status[code] ?? code}: ${message}`;
  if (code === Number(grpc.status.INVALID_ARGUMENT)) return new TranslationRefusedError(message, imageIndex, { cause });
  if (UNAVAILABLE_CODES.has(code)) return new TranslatorUnavailableError(unavailableMessage(code, text), code, { cause });
  return new TranslationFailedError(`The translator failed on the request (${text}).`, code, { cause });
}

/** One long-lived TranslateStream of one model, re-opened on the next request after it ends. */
class ModelStream {
  private call: TranslateStreamCall | undefined;
  private readonly pending = new Map<string, Pending>();
  /** When the stream last answered a request. */
  private answeredAt = 0;

  constructor(
    private readonly client: TranslatorClient,
    private readonly options: TranslateStreamOptions,
  ) {}

  async translate(request: TranslateRequest, signal: AbortSignal | undefined): Promise<TranslateResponse__Output> {
    const call = this.call ?? this.open();
    const requestId = request.requestId!;
    const response = new Promise<TranslateResponse__Output>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
    });
    const sentAt = performance.now();
    const expire = (): void => {
      const silentMs = performance.now() - Math.max(sentAt, this.answeredAt);
      if (silentMs < this.options.requestTimeoutMs) {
        timer = setTimeout(expire, this.options.requestTimeoutMs - silentMs);
        return;
      }
      this.settle(requestId)?.reject(
        new TranslatorUnavailableError(`The translator answered nothing for ${this.options.requestTimeoutMs} ms.`, grpc.status.DEADLINE_EXCEEDED),
      );
    };
    let timer = setTimeout(expire, this.options.requestTimeoutMs);
    const onAbort = (): void => this.settle(requestId)?.reject(new TranslatorUnavailableError('The translation was abandoned.', grpc.status.CANCELLED));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      else if (!call.write(request)) await Promise.race([once(call, 'drain'), response]).catch(() => undefined);
      return await response;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.call?.cancel();
    this.call = undefined;
  }

  private open(): TranslateStreamCall {
    const call = this.client.openTranslateStream();
    this.call = call;
    call.on('data', (response: TranslateResponse__Output) => {
      this.answeredAt = performance.now();
      const pending = this.settle(response.requestId);
      if (!pending) return;
      if (response.error) pending.reject(classifyStatus(response.error.code, response.error.message, response.error.imageIndex));
      else pending.resolve(response);
    });
    call.on('error', (error: grpc.ServiceError) => this.fail(call, error));
    call.on('end', () => this.fail(call, undefined));
    return call;
  }

  /** The stream is over (the translator stopped, the connection dropped): every request on it waits for the translator. */
  private fail(call: TranslateStreamCall, error: grpc.ServiceError | undefined): void {
    if (this.call !== call) return;
    this.call = undefined;
    const reason = error ? `${grpc.status[error.code]}: ${error.details}` : 'the translator ended the stream';
    const message = error && ACCESS_CODES.has(error.code) ? unavailableMessage(error.code, reason) : `The translator stream failed (${reason}).`;
    for (const [requestId, pending] of [...this.pending]) {
      this.pending.delete(requestId);
      pending.reject(new TranslatorUnavailableError(message, error?.code ?? grpc.status.UNAVAILABLE, { cause: error }));
    }
  }

  private settle(requestId: string): Pending | undefined {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    return pending;
  }
}

/**
 * Splits images into consecutive parts of at most `maxImages` images and `maxBytes` bytes of image data (a single
 * image over `maxBytes` is a part of its own: the translator answers for it).
 */
export function splitImages<T extends { data?: Uint8Array | string }>(images: readonly T[], maxImages: number, maxBytes: number): T[][] {
  const parts: T[][] = [];
  let part: T[] = [];
  let bytes = 0;
  for (const image of images) {
    const size = image.data?.length ?? 0;
    if (part.length > 0 && (part.length >= maxImages || bytes + size > maxBytes)) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(image);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Translator client for the adapter: `streamsPerModel` long-lived TranslateStreams per model (used in turn), requests
 * correlated by request_id, per-request errors read from the response's structured `error`, batches split into
 * requests within the translator's limits and put back together in order, gRPC keepalive on the channel. Its channel,
 * TLS and token are `@sim2real/client`'s (the one client); the streams are that client's bare `openTranslateStream`.
 */
export class TranslateStreamClient {
  private readonly client: TranslatorClient;
  private readonly streams = new Map<string, { streams: ModelStream[]; next: number }>();

  constructor(
    address: string,
    private readonly options: TranslateStreamOptions,
  ) {
    this.client = createTranslatorClient(address, {
      ...options.access,
      maxMessageBytes: options.maxReceiveMessageBytes,
      channelOptions: {
        // Requests are split under the translator's receive limit already; one image over it gets the translator's answer.
        'grpc.max_send_message_length': -1,
        'grpc.initial_reconnect_backoff_ms': options.reconnectBaseDelayMs,
        'grpc.max_reconnect_backoff_ms': options.reconnectMaxDelayMs,
        'grpc.keepalive_time_ms': options.keepaliveTimeMs,
        'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
        // A `dns:///` name of a headless Service resolves to every replica; round_robin spreads calls over them.
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
      },
    });
    // Connect to every replica now: round_robin only picks READY ones, and the first streams would all land on
    // whichever replica happened to connect first.
    this.client.raw.getChannel().getConnectivityState(true);
  }

  /**
   * Translates the images, split into as many requests as the limits ask (at most `requestsInFlightPerBatch` at
   * once); rejects with TranslationRefusedError (bad input; its image index counts from the call's first image),
   * TranslatorUnavailableError (retry later) or TranslationFailedError.
   */
  async translate(call: TranslateCall): Promise<TranslateResult> {
    const baseId = call.requestId ?? randomUUID();
    const parts = splitImages(call.images, this.options.maxImagesPerRequest, this.options.maxRequestBytes);
    const offsets = parts.map((_, i) => parts.slice(0, i).reduce((n, p) => n + p.length, 0));
    const responses: TranslateResponse__Output[] = new Array<TranslateResponse__Output>(parts.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < parts.length) {
        const index = next++;
        const requestId = parts.length === 1 ? baseId : `${baseId}/${index}`;
        try {
          responses[index] = await this.stream(call.model).translate(
            { requestId, model: call.model, images: [...parts[index]!], outputEncoding: call.outputEncoding, traceContext: { ...call.traceContext } },
            call.signal,
          );
        } catch (error) {
          if (error instanceof TranslationRefusedError && error.imageIndex >= 0) {
            throw new TranslationRefusedError(error.details, error.imageIndex + offsets[index]!, { cause: error });
          }
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parts.length, this.options.requestsInFlightPerBatch) }, worker));
    return { modelVersion: responses[0]?.modelVersion ?? '', results: responses.flatMap((r) => r.results), requests: parts.length };
  }

  private stream(model: string): ModelStream {
    let pool = this.streams.get(model);
    if (!pool) {
      pool = { streams: Array.from({ length: this.options.streamsPerModel }, () => new ModelStream(this.client, this.options)), next: 0 };
      this.streams.set(model, pool);
    }
    return pool.streams[pool.next++ % pool.streams.length]!;
  }

  /** Whether the channel to the translator is connected now (READY); asks it to connect when idle. */
  connected(): boolean {
    return this.client.raw.getChannel().getConnectivityState(true) === grpc.connectivityState.READY;
  }

  close(): void {
    for (const pool of this.streams.values()) for (const stream of pool.streams) stream.close();
    this.streams.clear();
    this.client.close();
  }
}
