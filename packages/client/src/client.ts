import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { sim2realV1 } from '@sim2real/contracts';
import type {
  CancelTrainingResponse__Output,
  GetModelResponse__Output,
  ListModelsRequest,
  ListModelsResponse__Output,
  ModelInfo__Output,
  StartTrainingRequest,
  StartTrainingResponse__Output,
  TrainingEvent__Output,
  TrainingJob__Output,
  TranslateRequest,
  TranslateResponse__Output,
} from '@sim2real/contracts';
import { resolveClientConfig } from './config.js';
import type { TranslatorClientConfig, TranslatorClientOptions } from './config.js';
import { TranslatorCallError, callError } from './errors.js';
import { pumpTranslateStream, type TranslateStreamCall } from './translate-stream.js';

/** Per-call options. */
export interface CallOptions {
  /** Deadline in milliseconds from now. @default the client's `timeoutMs` for unary calls; none for streams */
  timeoutMs?: number;
  /** Cancels the call; the promise or iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Extra outgoing metadata (e.g. a `traceparent`); the client adds `authorization` itself. */
  metadata?: grpc.Metadata;
  /** Attempts of a retried unary call, this call only (1 = no retry). @default the client's `retry.maxAttempts` */
  maxAttempts?: number;
}


/** The generated grpc-js client of `sim2real.v1.Translator`. */
export type TranslatorGrpcClient = InstanceType<typeof sim2realV1.Translator>;

/** A typed client of the translator: one method per RPC, deadlines, retries on UNAVAILABLE, TLS and tokens. */
export interface TranslatorClient {
  readonly config: TranslatorClientConfig;
  /** The generated grpc-js client, for what the methods do not cover (no token, deadline or retry added). */
  readonly raw: TranslatorGrpcClient;
  /** `Translate`: a few images with one model. Retried on UNAVAILABLE. */
  translate(request: TranslateRequest, options?: CallOptions): Promise<TranslateResponse__Output>;
  /**
   * `TranslateStream`: sends `requests` on one stream and yields one response per request as the server answers
   * (completion order; correlate by `request_id`, which is set to the request's index when empty). At most
   * `maxInFlightPerStream` requests are unanswered at once and writes wait for 'drain', so a slow consumer slows
   * the producer instead of filling memory. A request that fails is answered with `error` set (and no results)
   * while the stream goes on for the others; a failure of the stream itself ends the iteration with its
   * TranslatorCallError after the responses already received. Leaving the loop early cancels the call.
   */
  translateStream(requests: AsyncIterable<TranslateRequest> | Iterable<TranslateRequest>, options?: CallOptions): AsyncGenerator<TranslateResponse__Output, void, undefined>;
  /**
   * `TranslateStream` as the bare grpc-js call, with the token (and a deadline when `timeoutMs` is given) set: for a
   * caller that keeps its own long-lived streams and correlates responses itself (the dataset adapter). No flow
   * control, correlation or error mapping is added; `signal` cancels it.
   */
  openTranslateStream(options?: CallOptions): TranslateStreamCall;
  /** `StartTraining`: queues a job. Not retried (it is not idempotent). */
  startTraining(request: StartTrainingRequest, options?: CallOptions): Promise<TrainingJob__Output>;
  /** `WatchTraining`: the job's events from its start until it ends. */
  watchTraining(jobId: string, options?: CallOptions): AsyncGenerator<TrainingEvent__Output, void, undefined>;
  /** `CancelTraining`: stops a job, keeping its last checkpoint. Retried on UNAVAILABLE. */
  cancelTraining(jobId: string, options?: CallOptions): Promise<TrainingJob__Output>;
  /** `ListModels`: one page. Retried on UNAVAILABLE. */
  listModels(request?: ListModelsRequest, options?: CallOptions): Promise<ListModelsResponse__Output>;
  /** Every model, page after page (`ListModels` with `next_page_token`). */
  allModels(options?: CallOptions & { pageSize?: number }): AsyncGenerator<ModelInfo__Output, void, undefined>;
  /** `GetModel`: `name` (all versions) or `name@version` / `name@latest`. Retried on UNAVAILABLE. */
  getModel(model: string, options?: CallOptions): Promise<ModelInfo__Output>;
  /** `PromoteModel` (admin): accepts the partial version `name@version` as finished; the model after the change. */
  promoteModel(model: string, options?: CallOptions): Promise<ModelInfo__Output>;
  /** `AliasModel` (admin): points `name@alias` at `version` (empty removes the alias); the model after the change. */
  aliasModel(name: string, alias: string, version: string, options?: CallOptions): Promise<ModelInfo__Output>;
  /** `DeleteModel` (admin): deletes the version `name@version`; what is left of the model. */
  deleteModel(model: string, options?: CallOptions): Promise<ModelInfo__Output>;
  /** Resolves once the channel is connected; rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void>;
  close(): void;
}

/** What PromoteModel, AliasModel and DeleteModel answer: the model after the change. */
type ModelChange = { model: ModelInfo__Output | null };

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

function onAbort(signal: AbortSignal | undefined, cancel: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** The grpc-js channel credentials and options of a resolved config. */
function channel(config: TranslatorClientConfig): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  const options: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    ...config.channelOptions,
  };
  if (!config.tls) return { credentials: grpc.credentials.createInsecure(), options };
  const { ca, key, cert, serverName } = config.tls;
  if (serverName !== undefined) {
    options['grpc.ssl_target_name_override'] = serverName;
    options['grpc.default_authority'] = serverName;
  }
  return { credentials: grpc.credentials.createSsl(ca ?? null, key ?? null, cert ?? null), options };
}

/** A client of the translator at `target` (`host:port`). Throws ClientConfigError on bad options. */
export function createTranslatorClient(target: string, options: TranslatorClientOptions = {}): TranslatorClient {
  const config = resolveClientConfig(options);
  const { credentials, options: channelOptions } = channel(config);
  const raw = new sim2realV1.Translator(target, credentials, channelOptions);

  const metadataOf = (options: CallOptions): grpc.Metadata => {
    const metadata = options.metadata?.clone() ?? new grpc.Metadata();
    if (config.token !== undefined) metadata.set('authorization', `Bearer ${config.token}`);
    return metadata;
  };
  const streamDeadline = (options: CallOptions): grpc.CallOptions => (options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs });

  const attempt = <Req, Res>(method: Unary<Req, Res>, request: Req, options: CallOptions, deadline: number): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      let release = (): void => undefined;
      const call = method(request, metadataOf(options), { deadline }, (error, response) => {
        release();
        if (error) reject(error);
        else if (response === undefined) reject(new Error('The translator sent an empty response.'));
        else resolve(response);
      });
      release = onAbort(options.signal, () => call.cancel());
    });

  /** A unary call; with `retry`, UNAVAILABLE is retried with full-jitter exponential backoff inside the deadline. */
  const unary = async <Req, Res>(name: string, method: Unary<Req, Res>, request: Req, options: CallOptions = {}, retry = true): Promise<Res> => {
    const deadline = Date.now() + (options.timeoutMs ?? config.timeoutMs);
    const { initialBackoffMs, maxBackoffMs } = config.retry;
    const maxAttempts = options.maxAttempts ?? config.retry.maxAttempts;
    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt(method, request, options, deadline);
      } catch (error) {
        const failure = callError(error, name, attempts, options.signal);
        const last = !retry || attempts >= maxAttempts || !(failure instanceof TranslatorCallError) || failure.code !== grpc.status.UNAVAILABLE;
        const wait = Math.random() * Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempts - 1));
        if (last || Date.now() + wait >= deadline) throw failure;
        await sleep(wait, undefined, { signal: options.signal });
      }
    }
  };

  const openTranslateStream = (options: CallOptions = {}): TranslateStreamCall => {
    const call: TranslateStreamCall = raw.translateStream(metadataOf(options), streamDeadline(options));
    const release = onAbort(options.signal, () => call.cancel());
    call.once('status', release);
    return call;
  };

  async function* translateStream(
    requests: AsyncIterable<TranslateRequest> | Iterable<TranslateRequest>,
    options: CallOptions = {},
  ): AsyncGenerator<TranslateResponse__Output, void, undefined> {
    yield* pumpTranslateStream(openTranslateStream(options), requests, config.maxInFlightPerStream, options.signal);
  }

  async function* watchTraining(jobId: string, options: CallOptions = {}): AsyncGenerator<TrainingEvent__Output, void, undefined> {
    const call = raw.watchTraining({ jobId }, metadataOf(options), streamDeadline(options));
    const release = onAbort(options.signal, () => call.cancel());
    try {
      for await (const response of call as AsyncIterable<{ event: TrainingEvent__Output | null }>) {
        if (response.event) yield response.event;
      }
    } catch (error) {
      throw callError(error, 'WatchTraining', 1, options.signal);
    } finally {
      release();
      call.cancel();
    }
  }

  const listModels = (request: ListModelsRequest = {}, options?: CallOptions): Promise<ListModelsResponse__Output> =>
    unary('ListModels', (r, m, o, cb) => raw.listModels(r, m, o, cb), request, options);

  async function* allModels(options: CallOptions & { pageSize?: number } = {}): AsyncGenerator<ModelInfo__Output, void, undefined> {
    let pageToken = '';
    do {
      const page = await listModels({ pageSize: options.pageSize ?? 0, pageToken }, options);
      yield* page.models;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  }

  const required = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`The translator's response carries no ${what}.`);
    return value;
  };

  return {
    config,
    raw,
    translate: (request, options) => unary('Translate', (r, m, o, cb) => raw.translate(r, m, o, cb), request, options),
    translateStream,
    openTranslateStream,
    startTraining: async (request, options) =>
      required((await unary<StartTrainingRequest, StartTrainingResponse__Output>('StartTraining', (r, m, o, cb) => raw.startTraining(r, m, o, cb), request, options, false)).job, 'job'),
    watchTraining,
    cancelTraining: async (jobId, options) =>
      required((await unary<{ jobId: string }, CancelTrainingResponse__Output>('CancelTraining', (r, m, o, cb) => raw.cancelTraining(r, m, o, cb), { jobId }, options)).job, 'job'),
    listModels,
    allModels,
    getModel: async (model, options) => required((await unary<{ model: string }, GetModelResponse__Output>('GetModel', (r, m, o, cb) => raw.getModel(r, m, o, cb), { model }, options)).model, 'model'),
    promoteModel: async (model, options) =>
      required((await unary<{ model: string }, ModelChange>('PromoteModel', (r, m, o, cb) => raw.promoteModel(r, m, o, cb), { model }, options, false)).model, 'model'),
    aliasModel: async (name, alias, version, options) =>
      required((await unary<{ name: string; alias: string; version: string }, ModelChange>('AliasModel', (r, m, o, cb) => raw.aliasModel(r, m, o, cb), { name, alias, version }, options)).model, 'model'),
    deleteModel: async (model, options) =>
      required((await unary<{ model: string }, ModelChange>('DeleteModel', (r, m, o, cb) => raw.deleteModel(r, m, o, cb), { model }, options, false)).model, 'model'),
    waitForReady: (timeoutMs) =>
      new Promise<void>((resolve, reject) => raw.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()))),
    close: () => raw.close(),
  };
}
