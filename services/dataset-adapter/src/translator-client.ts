import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { sim2realV1, type Image, type TranslateRequest, type TranslateResponse__Output, type TranslatorClient } from '@sim2real/contracts';
import { TranslationRefusedError, TranslatorUnavailableError } from './errors.js';

/** Options of the TranslateStream client. */
export interface TranslateStreamOptions {
  /** First wait before re-opening a stream that failed; doubles per consecutive failure. */
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /**
   * How long a request may wait while its stream answers nothing: a translator working through a backlog answers
   * other requests meanwhile, and giving up on a request it will still compute would only double its work.
   */
  readonly requestTimeoutMs: number;
  readonly maxReceiveMessageBytes: number;
  /** Streams opened per model; round_robin places each on the next replica, so use one per replica. */
  readonly streamsPerModel: number;
}

/** One translation asked of the translator. */
export interface TranslateCall {
  /** Correlates the response (and the translator's request span). @default a random UUID */
  readonly requestId?: string;
  /** `name` or `name@version`. */
  readonly model: string;
  readonly images: readonly Image[];
  readonly outputEncoding: Image['encoding'];
  /** W3C trace context of the caller's span, sent in the request (the stream's metadata is shared by every request). @default {} */
  readonly traceContext?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

interface Pending {
  resolve(response: TranslateResponse__Output): void;
  reject(error: Error): void;
}

/** One long-lived TranslateStream of one model, re-opened (with backoff) after it fails. */
class ModelStream {
  private call: grpc.ClientDuplexStream<TranslateRequest, TranslateResponse__Output> | undefined;
  private readonly pending = new Map<string, Pending>();
  private failures = 0;
  private notBefore = 0;
  /** When the stream last answered a request. */
  private answeredAt = 0;

  constructor(
    private readonly client: TranslatorClient,
    private readonly options: TranslateStreamOptions,
  ) {}

  async translate(request: TranslateRequest, signal: AbortSignal | undefined): Promise<TranslateResponse__Output> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      throw new TranslatorUnavailableError(`The translator stream failed ${this.failures} time(s) in a row; next try in ${wait} ms.`);
    }
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

  private open(): grpc.ClientDuplexStream<TranslateRequest, TranslateResponse__Output> {
    const call = this.client.translateStream();
    this.call = call;
    call.on('data', (response: TranslateResponse__Output) => {
      this.failures = 0;
      this.answeredAt = performance.now();
      this.settle(response.requestId)?.resolve(response);
    });
    call.on('error', (error: grpc.ServiceError) => this.fail(call, error));
    call.on('end', () => this.fail(call, undefined));
    return call;
  }

  /** The stream is over: name the request it blames (the translator's details say `Request "<id>": ...`), release the rest. */
  private fail(call: grpc.ClientDuplexStream<TranslateRequest, TranslateResponse__Output>, error: grpc.ServiceError | undefined): void {
    if (this.call !== call) return;
    this.call = undefined;
    const refused = error?.code === grpc.status.INVALID_ARGUMENT ? /Request "([^"]*)"/.exec(error.details)?.[1] : undefined;
    if (refused === undefined || error?.code !== grpc.status.INVALID_ARGUMENT) {
      this.failures += 1;
      const delay = Math.min(this.options.reconnectMaxDelayMs, this.options.reconnectBaseDelayMs * 2 ** (this.failures - 1));
      this.notBefore = Date.now() + delay;
    }
    const reason = error ? `${grpc.status[error.code]}: ${error.details}` : 'the translator ended the stream';
    for (const [requestId, pending] of [...this.pending]) {
      this.pending.delete(requestId);
      if (requestId === refused) pending.reject(new TranslationRefusedError(error!.details.replace(/^Request "[^"]*": /, '')));
      else pending.reject(new TranslatorUnavailableError(`The translator stream failed (${reason}).`, error?.code, { cause: error }));
    }
  }

  private settle(requestId: string): Pending | undefined {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    return pending;
  }
}

/**
 * Translator client for the adapter: `streamsPerModel` long-lived TranslateStreams per model (used in turn), requests correlated by
 * request_id, a failed stream re-opened on the next request after a growing wait (requests in between
 * fail fast with TranslatorUnavailableError, so their batches are released for a later retry).
 */
export class TranslateStreamClient {
  private readonly client: TranslatorClient;
  private readonly streams = new Map<string, { streams: ModelStream[]; next: number }>();

  constructor(
    address: string,
    private readonly options: TranslateStreamOptions,
  ) {
    this.client = new sim2realV1.Translator(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
      'grpc.max_send_message_length': -1,
      'grpc.initial_reconnect_backoff_ms': options.reconnectBaseDelayMs,
      'grpc.max_reconnect_backoff_ms': options.reconnectMaxDelayMs,
      // A `dns:///` name of a headless Service resolves to every replica; round_robin spreads calls over them.
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    });
    // Connect to every replica now: round_robin only picks READY ones, and the first streams would all land on
    // whichever replica happened to connect first.
    this.client.getChannel().getConnectivityState(true);
  }

  /** Translates the images; rejects with TranslationRefusedError (bad input) or TranslatorUnavailableError (retry later). */
  translate(call: TranslateCall): Promise<TranslateResponse__Output> {
    let pool = this.streams.get(call.model);
    if (!pool) {
      pool = { streams: Array.from({ length: this.options.streamsPerModel }, () => new ModelStream(this.client, this.options)), next: 0 };
      this.streams.set(call.model, pool);
    }
    const stream = pool.streams[pool.next++ % pool.streams.length]!;
    const request: TranslateRequest = {
      requestId: call.requestId ?? randomUUID(),
      model: call.model,
      images: [...call.images],
      outputEncoding: call.outputEncoding,
      traceContext: { ...call.traceContext },
    };
    return stream.translate(request, call.signal);
  }

  /** Whether the channel to the translator is connected now (READY); asks it to connect when idle. */
  connected(): boolean {
    return this.client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY;
  }

  close(): void {
    for (const pool of this.streams.values()) for (const stream of pool.streams) stream.close();
    this.streams.clear();
    this.client.close();
  }
}
