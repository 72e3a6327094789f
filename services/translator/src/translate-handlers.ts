import { once, setMaxListeners } from 'node:events';
import { status } from '@grpc/grpc-js';
import type { TranslatorHandlers } from '@sim2real/contracts';
import { callSignal, cancelledStatus, unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { CapacityError, InvalidRequestError, ShuttingDownError, toGrpcStatus } from './errors.js';
import type { GrpcStatus } from './errors.js';
import type { TranslateRequest, TranslateResponse } from './proto.js';
import { translateRequest } from './translate-request.js';
import type { TranslateContext, TranslateOutcome } from './translate-request.js';

/** Limits of streaming calls. */
export interface StreamLimits {
  /** Requests of one stream being processed (or waiting to be written) before reading stops. */
  maxInFlightPerStream: number;
  /** Streaming calls open at once (TranslateStream and WatchTraining share it). */
  maxConcurrentStreams: number;
}

/** Open streams, to refuse extra ones and to wind them down on shutdown. */
export class StreamRegistry {
  readonly #stops = new Set<() => void>();
  constructor(private readonly maxConcurrentStreams: number) {}

  /** Registers a stream and its stop function (called on shutdown); throws CapacityError when full. */
  open(stop: () => void): () => void {
    if (this.#stops.size >= this.maxConcurrentStreams) {
      throw new CapacityError(
        'maxConcurrentStreams',
        `The server already has ${this.#stops.size} streams open (limit maxConcurrentStreams = ${this.maxConcurrentStreams}); retry later.`,
      );
    }
    this.#stops.add(stop);
    return () => this.#stops.delete(stop);
  }

  /** Asks every open stream to finish what it has read and end. */
  stopAll(): void {
    for (const stop of [...this.#stops]) stop();
  }
}

export interface TranslateHandlerDeps extends CallKit {
  translate: TranslateContext;
  streams: StreamRegistry;
  limits: StreamLimits;
}

function record(deps: TranslateHandlerDeps, method: string, started: number, outcome: TranslateOutcome | undefined, code: status): void {
  deps.telemetry.recordTranslated(outcome?.images ?? 0, outcome?.modelId ?? '', method, performance.now() - started, code);
}

/** The response of a TranslateStream request that failed: no results, the error in `error`. */
export function requestErrorResponse(requestId: string, error: unknown, mapped: GrpcStatus): TranslateResponse {
  const imageIndex = error instanceof InvalidRequestError ? (error.imageIndex ?? -1) : -1;
  return { requestId, modelVersion: '', results: [], error: { code: mapped.code, message: mapped.details, imageIndex } };
}

/** `Translate`: one request, one response. */
export function translateHandler(deps: TranslateHandlerDeps): ReturnType<typeof unaryHandler<TranslateRequest, TranslateResponse>> {
  return unaryHandler<TranslateRequest, TranslateResponse>(deps, 'Translate', async (request, signal, span) => {
    const started = performance.now();
    try {
      const outcome = await translateRequest(request, deps.translate, signal);
      deps.telemetry.setModel(span, { name: outcome.name, version: outcome.version, batchSize: outcome.batchSize });
      record(deps, 'Translate', started, outcome, status.OK);
      return outcome.response;
    } catch (error) {
      record(deps, 'Translate', started, undefined, toGrpcStatus(error).code);
      throw error;
    }
  });
}

/**
 * `TranslateStream`: every request read is translated concurrently (its images join the shared micro-batches)
 * and answered by one response with its request_id, in completion order. Flow control: at
 * `maxInFlightPerStream` requests being processed or written the stream is paused (HTTP/2 flow control then
 * holds the client back), and a `write()` returning false is awaited on 'drain' before the next response is
 * sent, so nothing is buffered without bound. A request that fails is answered with a structured `error` (its
 * status code, sentence and failing image index) and the stream stays open for the others. Shutdown ends the
 * stream with UNAVAILABLE after the requests already read have been answered; the client resends the rest.
 */
export function translateStreamHandler(deps: TranslateHandlerDeps): TranslatorHandlers['TranslateStream'] {
  return (call) => {
    const { span, context } = deps.telemetry.startCall('TranslateStream', call.metadata);
    let endCall: () => void;
    let closeStream: () => void;
    let failure: GrpcStatus | undefined;
    const stop = (reason: GrpcStatus): void => {
      failure ??= reason;
      call.pause();
      finishIfDone();
    };
    try {
      endCall = deps.tracker.begin();
      closeStream = deps.streams.open(() => stop({ code: status.UNAVAILABLE, details: 'The translator is shutting down; resend unanswered requests to another instance.' }));
    } catch (error) {
      endCall = (): void => undefined;
      closeStream = (): void => undefined;
      const refused = toGrpcStatus(error);
      deps.telemetry.endCall(span, refused.code, refused.details);
      call.emit('error', refused);
      return;
    }
    const signal = callSignal(call);
    // One listener per request in progress (bounded by maxInFlightPerStream), the end of the call, a write awaiting 'drain'.
    setMaxListeners(deps.limits.maxInFlightPerStream + 2, signal);
    let inFlight = 0;
    let clientDone = false;
    let finished = false;
    let batchSize = 0;
    let model: { name: string; version: string } | undefined;
    let writes: Promise<void> = Promise.resolve();

    function finishIfDone(): void {
      if (finished || inFlight > 0 || !(clientDone || failure || signal.aborted)) return;
      finished = true;
      closeStream();
      if (model) deps.telemetry.setModel(span, { ...model, batchSize });
      if (signal.aborted) {
        deps.telemetry.endCall(span, cancelledStatus(call), 'cancelled by the client');
      } else if (failure) {
        deps.telemetry.endCall(span, failure.code, failure.details);
        call.emit('error', failure);
      } else {
        deps.telemetry.endCall(span, status.OK);
        call.end();
      }
      endCall();
    }

    /** Serialised writes that honour backpressure: the next write waits for 'drain'. */
    function send(response: TranslateResponse): Promise<void> {
      writes = writes.then(async () => {
        if (signal.aborted) return;
        // once() rejects on an 'error' event: the call is over then, and so is writing.
        if (!call.write(response)) await Promise.race([once(call, 'drain'), once(signal, 'abort')]).catch(() => undefined);
      });
      return writes;
    }

    const handle = async (request: TranslateRequest): Promise<void> => {
      const requestSpan = deps.telemetry.startRequest(context, request.requestId, request.traceContext);
      const started = performance.now();
      try {
        const outcome = await translateRequest(request, deps.translate, signal);
        model = { name: outcome.name, version: outcome.version };
        batchSize = Math.max(batchSize, outcome.batchSize);
        deps.telemetry.setModel(requestSpan, { ...model, batchSize: outcome.batchSize });
        record(deps, 'TranslateStream', started, outcome, status.OK);
        deps.telemetry.endCall(requestSpan, status.OK);
        await send(outcome.response);
      } catch (error) {
        const mapped = toGrpcStatus(error);
        record(deps, 'TranslateStream', started, undefined, mapped.code);
        deps.telemetry.endCall(requestSpan, mapped.code, mapped.details);
        if (signal.aborted) return;
        // Shutting down ends the stream (the client resends elsewhere); any other failure is this request's own:
        // it is answered with its error and the stream goes on for the others.
        if (error instanceof ShuttingDownError) stop(mapped);
        else await send(requestErrorResponse(request.requestId, error, mapped));
      }
    };

    call.on('data', (request: TranslateRequest) => {
      if (failure || finished) return;
      inFlight += 1;
      if (inFlight >= deps.limits.maxInFlightPerStream) call.pause();
      void handle(request).finally(() => {
        inFlight -= 1;
        if (!failure && !finished && inFlight < deps.limits.maxInFlightPerStream) call.resume();
        finishIfDone();
      });
    });
    call.on('end', () => {
      clientDone = true;
      finishIfDone();
    });
    call.on('error', () => {
      // A transport error (or our own status emit): nothing more can be written.
      clientDone = true;
    });
    signal.addEventListener('abort', () => finishIfDone(), { once: true });
  };
}

