/*
 * What both job queues share once a job runs: its child process (memory-capped, wall-time-limited), the events it
 * reports, and how its outcome becomes a job state and a published version.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toTimestamp } from '@sim2real/contracts';
import type { StageName, TrainingEvent } from '@sim2real/translation';
import type { JobStateName, TrainingEventMessage, TrainingStageName } from './proto.js';
import { MANIFEST_FILE } from './registry.js';
import type { ModelRegistry } from './registry.js';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker-protocol.js';
import type { Logger } from '@sim2real/telemetry';

/** Events kept for replay per job, by kind; the oldest of a kind is dropped first (sample grids are the big ones). */
export const MAX_EVENTS = { step: 256, sample: 8, other: 256 } as const;
export type EventKind = keyof typeof MAX_EVENTS;
export const TERMINAL: ReadonlySet<JobStateName> = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);
/** How long a job asked to stop (cancel, wall time, shutdown) gets to write its checkpoint before it is killed. */
const STOP_GRACE_MS = 30_000;
/** Bytes of a job process's stderr kept to explain a crash. */
const STDERR_TAIL_BYTES = 4096;

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** The proto's TrainingStage of a trainer stage. */
export function trainingStage(stage: StageName | undefined): TrainingStageName {
  return stage === undefined ? 'TRAINING_STAGE_UNSPECIFIED' : `TRAINING_STAGE_${stage.toUpperCase() as Uppercase<StageName>}`;
}

/** The next event of a job: stage, step and total steps carry over from `last` unless `fields` set them. */
export function nextEvent(last: TrainingEventMessage | undefined, jobId: string, state: JobStateName, fields: Partial<TrainingEventMessage>): TrainingEventMessage {
  return {
    trainingStage: last?.trainingStage ?? 'TRAINING_STAGE_UNSPECIFIED',
    step: last?.step ?? 0,
    totalSteps: last?.totalSteps ?? 0,
    ...fields,
    jobId,
    state,
    eventTime: toTimestamp(new Date()),
  };
}

/** Why a job's process ended without a result, from its exit and the tail of its stderr. */
function exitReason(code: number | null, signal: NodeJS.Signals | null, stderr: string, memoryMb: number): string {
  if (/heap out of memory|Reached heap limit|Cannot enlarge memory|Out of memory/i.test(stderr)) {
    return `The training process ran out of memory (limit trainingMemoryMb = ${memoryMb}).`;
  }
  if (signal) return `The training process was killed by ${signal}.`;
  const last = stderr.trim().split('\n').at(-1)?.trim();
  return `The training process exited with code ${String(code)} without a result${last ? ` (${last.slice(0, 300)})` : ''}.`;
}

/** The proto fields of a trainer event, and its kind. */
function eventFields(event: TrainingEvent): { fields: Partial<TrainingEventMessage>; kind: EventKind } {
  const fields = {
    trainingStage: trainingStage(event.stage),
    step: event.step,
    totalSteps: event.totalSteps,
    losses: event.losses,
    selfRegularizationWeight: event.lambda,
    sampleGrid: event.samplePng ? { data: event.samplePng, encoding: 'ENCODING_PNG' as const } : undefined,
    message: event.kind === 'step' ? undefined : (event.message ?? event.kind),
  };
  return { fields, kind: event.kind === 'step' ? 'step' : event.samplePng ? 'sample' : 'other' };
}

/**
 * One job's process: worker.ts started through tsx with its memory capped (the V8 heap by `--max-old-space-size`,
 * each wasm memory by `--wasm-max-mem-pages`, 64 KiB pages); stdout is dropped, stderr kept to explain a crash. It
 * is asked to stop when it runs past `trainingMaxWallTimeMs` (then `stoppedBy` says so).
 */
export class JobProcess {
  readonly pid: number | undefined;
  /** The process's last message (done, cancelled, failed) or why it ended without one; resolves once it has exited. */
  readonly outcome: Promise<WorkerMessage>;
  /** The limit that stopped it, when one did. */
  stoppedBy: string | undefined;
  #child: ChildProcess | undefined;

  constructor(
    input: WorkerInput,
    limits: { trainingMemoryMb: number; trainingMaxWallTimeMs: number },
    onEvent: (fields: Partial<TrainingEventMessage>, kind: EventKind) => void,
  ) {
    const { trainingMemoryMb, trainingMaxWallTimeMs } = limits;
    let child: ChildProcess;
    try {
      child = fork(WORKER_PATH, [], {
        execArgv: ['--import', import.meta.resolve('tsx'), `--max-old-space-size=${trainingMemoryMb}`, `--wasm-max-mem-pages=${trainingMemoryMb * 16}`],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
    } catch (error) {
      this.outcome = Promise.resolve({ type: 'failed', message: `The training process could not start: ${String(error)}` });
      return;
    }
    this.#child = child;
    this.pid = child.pid;
    const wallTimer = setTimeout(() => {
      this.stoppedBy = `The job ran past the wall-time limit of ${trainingMaxWallTimeMs} ms (trainingMaxWallTimeMs)`;
      this.stop();
    }, trainingMaxWallTimeMs).unref();
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    let outcome: WorkerMessage | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') {
        const { fields, kind } = eventFields(message.event);
        onEvent(fields, kind);
      } else if (message.type === 'log') onEvent({ message: message.message }, 'other');
      else outcome = message;
    });
    child.on('error', (error) => {
      outcome ??= { type: 'failed', message: `The training process failed: ${error.message}` };
    });
    this.outcome = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        clearTimeout(wallTimer);
        this.#child = undefined;
        resolve(outcome ?? { type: 'failed', message: exitReason(code, signal, stderr, trainingMemoryMb) });
      });
    });
    child.send({ type: 'start', input } satisfies WorkerCommand);
  }

  /** Asks the job to stop at a checkpoint; kills its process when it has not ended after STOP_GRACE_MS. */
  stop(): void {
    const child = this.#child;
    if (!child) return;
    if (child.connected) child.send({ type: 'cancel' } satisfies WorkerCommand);
    setTimeout(() => {
      if (this.#child === child) child.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  }
}

/** How a job ended: its state, its version (`name@version`, empty when none was published), its error and last event's fields. */
export interface JobSettlement {
  state: JobStateName;
  modelVersion: string;
  error: string;
  fields: Partial<TrainingEventMessage>;
}

/**
 * Turns a job process's outcome into the job's end: a finished job's staging folder becomes a new version of the
 * registry, a cancelled or stopped one's last checkpoint a partial version, a failed one's folder is removed.
 */
export async function settleJob(
  outcome: WorkerMessage,
  job: { id: string; modelName: string; modelDir: string; stoppedBy: string | undefined },
  registry: ModelRegistry,
  log?: Logger,
): Promise<JobSettlement> {
  let modelVersion = '';
  try {
    if (outcome.type === 'done' || (outcome.type === 'cancelled' && (await hasCheckpoint(job.modelDir)))) {
      modelVersion = await publishVersion(registry, job.modelName, job.modelDir);
      log?.info('model_published', { job: job.id, model: modelVersion });
    } else {
      await rm(job.modelDir, { recursive: true, force: true });
    }
  } catch (error) {
    const message = `Publishing the trained model failed: ${error instanceof Error ? error.message : String(error)}`;
    return { state: 'JOB_STATE_FAILED', modelVersion: '', error: message, fields: { message } };
  }
  const kept = modelVersion ? `; its checkpoint is published as the partial version ${modelVersion}` : '; no checkpoint had been written';
  if (outcome.type === 'done') {
    return { state: 'JOB_STATE_SUCCEEDED', modelVersion, error: '', fields: { message: `trained ${outcome.steps} steps${outcome.degraded ? ' (degraded mode: no VGG-19 weights)' : ''}` } };
  }
  if (outcome.type === 'cancelled' && job.stoppedBy) {
    const error = `${job.stoppedBy}; stopped at step ${outcome.step}${kept}.`;
    return { state: 'JOB_STATE_FAILED', modelVersion, error, fields: { step: outcome.step, message: error } };
  }
  if (outcome.type === 'cancelled') {
    return { state: 'JOB_STATE_CANCELLED', modelVersion, error: '', fields: { step: outcome.step, message: `cancelled at step ${outcome.step}${kept}` } };
  }
  const error = outcome.type === 'failed' ? (job.stoppedBy && !modelVersion ? `${job.stoppedBy}: ${outcome.message}` : outcome.message) : 'The training process ended unexpectedly.';
  return { state: 'JOB_STATE_FAILED', modelVersion, error, fields: { message: error } };
}

async function hasCheckpoint(modelDir: string): Promise<boolean> {
  return (await stat(path.join(modelDir, MANIFEST_FILE)).catch(() => undefined))?.isFile() ?? false;
}

/** Renames a staging folder onto a version reserved in the registry (rename replaces the empty reserved folder); returns `name@version`. */
async function publishVersion(registry: ModelRegistry, modelName: string, modelDir: string): Promise<string> {
  const version = await registry.reserveVersion(modelName);
  const versionDir = path.join(registry.root, modelName, version);
  try {
    await rename(modelDir, versionDir);
  } catch (error) {
    await rmdir(versionDir).catch(() => undefined);
    throw error;
  }
  registry.invalidate(modelName);
  return `${modelName}@${version}`;
}
