import { once } from 'node:events';
import { status } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { callerOf } from './auth.js';
import { callSignal, cancelledStatus, unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { toGrpcStatus } from './errors.js';
import type { GrpcStatus } from './errors.js';
import type { TrainingJobs } from './jobs.js';
import type {
  CancelTrainingRequest,
  CancelTrainingResponse,
  StartTrainingRequest,
  StartTrainingResponse,
  WatchTrainingRequest,
  WatchTrainingResponse,
} from './proto.js';
import type { StreamRegistry } from './translate-handlers.js';

export interface TrainingHandlerDeps extends CallKit {
  jobs: TrainingJobs;
  streams: StreamRegistry;
}

/** `StartTraining`: validates and queues a job. */
export function startTrainingHandler(deps: TrainingHandlerDeps): ReturnType<typeof unaryHandler<StartTrainingRequest, StartTrainingResponse>> {
  return unaryHandler<StartTrainingRequest, StartTrainingResponse>(deps, 'StartTraining', async (request, _signal, _span, metadata) => ({
    job: await deps.jobs.start(request, callerOf(metadata)),
  }));
}

/** `CancelTraining`: stops a job (the caller's own, unless an admin), keeping its last checkpoint as a partial version. */
export function cancelTrainingHandler(deps: TrainingHandlerDeps): ReturnType<typeof unaryHandler<CancelTrainingRequest, CancelTrainingResponse>> {
  return unaryHandler<CancelTrainingRequest, CancelTrainingResponse>(deps, 'CancelTraining', async ({ jobId }, _signal, _span, metadata) => {
    await deps.jobs.authorize(jobId, callerOf(metadata));
    return { job: await deps.jobs.cancel(jobId) };
  });
}

const SHUTTING_DOWN: GrpcStatus = { code: status.UNAVAILABLE, details: 'The translator is shutting down; watch the job again elsewhere or later.' };

/** `WatchTraining`: replays the job's events, then streams live ones until it ends; writes honour 'drain'. */
export function watchTrainingHandler(deps: TrainingHandlerDeps): (call: ServerWritableStream<WatchTrainingRequest, WatchTrainingResponse>) => void {
  return (call) => {
    const { span } = deps.telemetry.startCall('WatchTraining', call.metadata);
    const stopped = new AbortController();
    let endCall: () => void = () => undefined;
    let closeStream: () => void = () => undefined;
    const fail = (failure: GrpcStatus): void => {
      deps.telemetry.endCall(span, failure.code, failure.details);
      call.emit('error', failure);
    };
    try {
      endCall = deps.tracker.begin();
      closeStream = deps.streams.open(() => stopped.abort(new Error('shutting down')));
    } catch (error) {
      endCall();
      fail(toGrpcStatus(error));
      return;
    }
    const signal = AbortSignal.any([callSignal(call), stopped.signal]);
    const run = async (): Promise<void> => {
      await deps.jobs.authorize(call.request.jobId, callerOf(call.metadata));
      for await (const event of deps.jobs.watch(call.request.jobId, signal)) {
        if (!call.write({ event })) await once(call, 'drain', { signal });
      }
    };
    run().then(
      () => {
        deps.telemetry.endCall(span, status.OK);
        call.end();
      },
      (error: unknown) => {
        if (call.cancelled) deps.telemetry.endCall(span, cancelledStatus(call), 'cancelled by the client');
        else fail(stopped.signal.aborted ? SHUTTING_DOWN : toGrpcStatus(error));
      },
    ).finally(() => {
      closeStream();
      endCall();
    });
  };
}
