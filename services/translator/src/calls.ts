import { status } from '@grpc/grpc-js';
import type { Deadline, Metadata, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Span } from '@opentelemetry/api';
import { ShuttingDownError, toGrpcStatus } from './errors.js';
import type { ServerTelemetry } from './telemetry.js';

/** A grpc-js server call of any kind: all of them emit 'cancelled' (client cancel or deadline). */
interface CancellableCall {
  readonly cancelled: boolean;
  getDeadline(): Deadline;
  on(event: 'cancelled', listener: () => void): unknown;
}

/** The status a cancelled call ended with, as grpc-js sent it: DEADLINE_EXCEEDED past the deadline, else CANCELLED. */
export function cancelledStatus(call: CancellableCall): status {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at <= Date.now() ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}

/** An AbortSignal that aborts when the client cancels or the call's deadline passes (grpc-js 'cancelled'). */
export function callSignal(call: CancellableCall): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new DOMException('The call was cancelled or its deadline passed.', 'AbortError'));
  if (call.cancelled) abort();
  else call.on('cancelled', abort);
  return controller.signal;
}

/** Counts calls in progress so that shutdown can wait for them; refuses new ones once closing. */
export class CallTracker {
  #active = 0;
  #closing = false;
  #waiters: (() => void)[] = [];

  get active(): number {
    return this.#active;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Registers a call; throws ShuttingDownError once closing. Call the returned function exactly once at its end. */
  begin(): () => void {
    if (this.#closing) throw new ShuttingDownError();
    this.#active += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#active -= 1;
      if (this.#active === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    };
  }

  /** Refuses new calls from now on; resolves when the running ones have ended. */
  close(): Promise<void> {
    this.#closing = true;
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Shared plumbing of the handlers: call tracking and telemetry. */
export interface CallKit {
  tracker: CallTracker;
  telemetry: ServerTelemetry;
}

/**
 * A unary handler with the common edges: refused with UNAVAILABLE while shutting down, a SERVER span with the
 * final status, an AbortSignal for the deadline, and every error mapped by `toGrpcStatus`.
 */
export function unaryHandler<Req, Res>(
  kit: CallKit,
  method: string,
  handle: (request: Req, signal: AbortSignal, span: Span, metadata: Metadata) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const { span } = kit.telemetry.startCall(method, call.metadata);
    let end: () => void;
    try {
      end = kit.tracker.begin();
    } catch (error) {
      const failure = toGrpcStatus(error);
      kit.telemetry.endCall(span, failure.code, failure.details);
      callback(failure);
      return;
    }
    // Through a promise so that a handler throwing synchronously is mapped like a rejection.
    new Promise<Res>((resolve) => resolve(handle(call.request, callSignal(call), span, call.metadata))).then(
      (response) => {
        kit.telemetry.endCall(span, status.OK);
        callback(null, response);
        end();
      },
      (error: unknown) => {
        const failure = toGrpcStatus(error);
        kit.telemetry.endCall(span, call.cancelled ? cancelledStatus(call) : failure.code, failure.details);
        callback(failure);
        end();
      },
    );
  };
}
