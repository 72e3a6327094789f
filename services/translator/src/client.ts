import * as grpc from '@grpc/grpc-js';
import { sim2realV1 } from '@sim2real/contracts';
import type {
  ListModelsResponseOut,
  ModelChangeResponseOut,
  ModelInfoOut,
  StartTrainingRequestIn,
  TrainingEventOut,
  TrainingJobOut,
  TranslateRequestIn,
  TranslateResponseOut,
  TranslatorGrpcClient,
} from './proto.js';

/** Per-call options of the client helpers. */
export interface CallOptions {
  /** Milliseconds from now until the call's deadline. @default undefined (no deadline) */
  timeoutMs?: number;
  /** Outgoing metadata (e.g. with `traceparent` injected). */
  metadata?: grpc.Metadata;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** Options of the client. */
export interface TranslatorClientOptions {
  /** Largest message received or sent. @default 16_777_216 (16 MiB, the server's default) */
  maxMessageBytes?: number;
  credentials?: grpc.ChannelCredentials;
  /** TLS to the server (ignored when `credentials` is given): the CA its certificate chains to, and for mTLS a client pair. @default undefined (plaintext) */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** Bearer token sent as `authorization: Bearer <token>` on every call. @default undefined (none) */
  token?: string;
}

/** The deadline `ms` milliseconds from now, as grpc-js takes it. */
export function deadlineIn(ms: number): Date {
  return new Date(Date.now() + ms);
}

/** The call's metadata with the client's token added (a copy: the caller's object is left as it was). */
function withToken(metadata: grpc.Metadata | undefined, token: string | undefined): grpc.Metadata {
  const out = metadata?.clone() ?? new grpc.Metadata();
  if (token !== undefined) out.set('authorization', `Bearer ${token}`);
  return out;
}

function callOptions(options: CallOptions): grpc.CallOptions {
  return options.timeoutMs === undefined ? {} : { deadline: deadlineIn(options.timeoutMs) };
}

function withSignal<T extends { cancel(): void }>(call: T, signal: AbortSignal | undefined): T {
  if (signal) {
    if (signal.aborted) call.cancel();
    else signal.addEventListener('abort', () => call.cancel(), { once: true });
  }
  return call;
}

/** Promise-based, typed helpers over the `sim2real.v1.Translator` client, with deadlines and cancellation. */
export interface TranslatorClient {
  /** The generated grpc-js client, for anything the helpers do not cover. */
  readonly raw: TranslatorGrpcClient;
  translate(request: TranslateRequestIn, options?: CallOptions): Promise<TranslateResponseOut>;
  /** A bidi stream; write TranslateRequests, read TranslateResponses (correlate by request_id). */
  translateStream(options?: CallOptions): grpc.ClientDuplexStream<TranslateRequestIn, TranslateResponseOut>;
  startTraining(request: StartTrainingRequestIn, options?: CallOptions): Promise<TrainingJobOut>;
  /** The job's events (async iterable); ends when the job ends. */
  watchTraining(jobId: string, options?: CallOptions): grpc.ClientReadableStream<TrainingEventOut>;
  cancelTraining(jobId: string, options?: CallOptions): Promise<TrainingJobOut>;
  listModels(options?: CallOptions): Promise<ListModelsResponseOut>;
  getModel(model: string, options?: CallOptions): Promise<ModelInfoOut>;
  /** Admin: accepts the partial version `name@version` as finished. */
  promoteModel(model: string, options?: CallOptions): Promise<ModelChangeResponseOut>;
  /** Admin: points `name@alias` at `version` (empty removes the alias). */
  aliasModel(name: string, alias: string, version: string, options?: CallOptions): Promise<ModelChangeResponseOut>;
  /** Admin: deletes the version `name@version`. */
  deleteModel(model: string, options?: CallOptions): Promise<ModelChangeResponseOut>;
  /** Resolves once the channel is connected; rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void>;
  close(): void;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

/** A typed client of the translator at `address` (`host:port`). */
export function createTranslatorClient(address: string, options: TranslatorClientOptions = {}): TranslatorClient {
  const maxBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
  const tls = options.tls;
  const credentials = options.credentials ?? (tls ? grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null) : grpc.credentials.createInsecure());
  const raw = new sim2realV1.Translator(address, credentials, {
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
  });
  const unary = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req, opts: CallOptions = {}): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      const call = method(request, withToken(opts.metadata, options.token), callOptions(opts), (error, response) =>
        error || response === undefined ? reject(error ?? new Error('empty response')) : resolve(response),
      );
      withSignal(call, opts.signal);
    });
  return {
    raw,
    translate: (request, opts) => unary((r, m, o, cb) => raw.translate(r, m, o, cb), request, opts),
    translateStream: (opts = {}) => withSignal(raw.translateStream(withToken(opts.metadata, options.token), callOptions(opts)), opts.signal),
    startTraining: (request, opts) => unary((r, m, o, cb) => raw.startTraining(r, m, o, cb), request, opts),
    watchTraining: (jobId, opts = {}) =>
      withSignal(raw.watchTraining({ jobId }, withToken(opts.metadata, options.token), callOptions(opts)), opts.signal),
    cancelTraining: (jobId, opts) => unary((r, m, o, cb) => raw.cancelTraining(r, m, o, cb), { jobId }, opts),
    listModels: (opts) => unary((r, m, o, cb) => raw.listModels(r, m, o, cb), {}, opts),
    getModel: (model, opts) => unary((r, m, o, cb) => raw.getModel(r, m, o, cb), { model }, opts),
    promoteModel: (model, opts) => unary((r, m, o, cb) => raw.promoteModel(r, m, o, cb), { model }, opts),
    aliasModel: (name, alias, version, opts) => unary((r, m, o, cb) => raw.aliasModel(r, m, o, cb), { name, alias, version }, opts),
    deleteModel: (model, opts) => unary((r, m, o, cb) => raw.deleteModel(r, m, o, cb), { model }, opts),
    waitForReady: (timeoutMs) =>
      new Promise<void>((resolve, reject) => raw.waitForReady(deadlineIn(timeoutMs), (error) => (error ? reject(error) : resolve()))),
    close: () => raw.close(),
  };
}
