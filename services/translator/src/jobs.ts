import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { toTimestamp } from '@sim2real/contracts';
import type { BackendChoice } from '@sim2real/tensor';
import type { Caller } from './auth.js';
import { CapacityError, JobNotFoundError, PermissionDeniedError } from './errors.js';
import { JobProcess, MAX_EVENTS, TERMINAL, nextEvent, settleJob } from './job-runner.js';
import type { EventKind } from './job-runner.js';
import { resolveTrainingRoot, validateJobRequest } from './job-request.js';
import type { JobLimits, ValidJobRequest } from './job-request.js';
import type { JobStateName, StartTrainingRequest, TrainingEventMessage, TrainingJobMessage } from './proto.js';
import type { ModelRegistry } from './registry.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';
import type { Logger } from '@sim2real/telemetry';

/**
 * The training jobs of a server, whichever queue holds them: in this process (LocalTrainingJobs) or shared by the
 * replicas through NATS (NatsTrainingJobs). The gRPC handlers and the dashboard see only this.
 */
export interface TrainingJobs {
  /** Resolves the training root (and connects, where there is something to connect to). */
  init(): Promise<void>;
  /** Validates and queues a job for `caller`. */
  start(request: StartTrainingRequest, caller: Caller): Promise<TrainingJobMessage>;
  /** PERMISSION_DENIED unless `caller` owns the job or is an admin; NOT_FOUND for an unknown job. */
  authorize(jobId: string, caller: Caller): Promise<void>;
  /** The job as this server last saw it (NOT_FOUND when it has not seen it). */
  snapshot(jobId: string): TrainingJobMessage;
  /** Past events of the job (replayed), then live ones until it ends; stops early when `signal` aborts. */
  watch(jobId: string, signal: AbortSignal): AsyncGenerator<TrainingEventMessage>;
  /** Cancels a queued job at once, or asks the running one to stop after writing its checkpoint. */
  cancel(jobId: string): Promise<TrainingJobMessage>;
  /** Takes no more jobs and stops the ones this process runs (their checkpoints kept); resolves when they have ended. */
  close(): Promise<void>;
  /** Ids of the jobs running in this process. */
  readonly running: string[];
  /** Every job remembered, oldest first. */
  list(): TrainingJobMessage[];
}

export interface TrainingJobsOptions {
  registry: ModelRegistry;
  maxQueuedJobs: number;
  maxFinishedJobs: number;
  /** Remote training reads only under this folder; undefined turns StartTraining off. */
  trainingRoot: string | undefined;
  limits: JobLimits;
  vggDir: string | undefined;
  backend: BackendChoice;
  /** Nice value of a job's process. */
  trainingNice: number;
  /** Where jobs' queueing, start and end are logged. @default none */
  log?: Logger;
}

/** A job's staging folder `<registry>/<name>/.training-<job>` (ignored by the registry until published). */
export function stagingDir(registryRoot: string, modelName: string, jobId: string): string {
  return path.join(registryRoot, modelName, `.training-${jobId}`);
}

/** A job's process input. */
export function workerInput(options: TrainingJobsOptions, jobId: string, request: ValidJobRequest, root: string): WorkerInput {
  return {
    sourceDir: request.sourceDir,
    targetDir: request.targetDir,
    trainingRoot: root,
    modelDir: stagingDir(options.registry.root, request.modelName, jobId),
    options: request.options,
    vggDir: options.vggDir,
    backend: options.backend,
    nice: options.trainingNice,
  };
}

/** A new job id (one subject token and one KV key: letters, digits, `-`). */
export const newJobId = (): string => `job-${randomUUID()}`;

/** PERMISSION_DENIED unless `caller` is the job's owner or an admin. */
export function checkOwner(owner: string, caller: Caller): void {
  if (owner !== caller.name && !caller.roles.has('admin')) throw new PermissionDeniedError("watch or cancel another caller's job");
}

interface StoredEvent {
  seq: number;
  kind: EventKind;
  message: TrainingEventMessage;
}

interface Job {
  id: string;
  /** Name of the caller that started it (train callers may watch and cancel only their own jobs). */
  owner: string;
  modelName: string;
  state: JobStateName;
  createdAt: Date;
  input: WorkerInput;
  modelVersion: string;
  error: string;
  events: StoredEvent[];
  nextSeq: number;
  /** Resolved and replaced on every new event (watchers wait on it). */
  changed: { promise: Promise<void>; resolve: () => void };
  process: JobProcess | undefined;
  /** Resolves once the job is terminal. */
  ended: Promise<void>;
  markEnded: () => void;
}

/** A promise with its resolve function (Promise.withResolvers is Node 22+). */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Training jobs of one process: up to `maxRunningJobs` run at once, each in its own child process (heap and wasm
 * memory capped, lower priority), so that a job that crashes, runs out of memory or is killed ends FAILED and
 * serving goes on; others wait in a FIFO queue. Jobs read only under the training root (checked after symlinks,
 * here and for each file in the job's process). A job trains into a hidden staging folder
 * `<registry>/<name>/.training-<job>` that the registry ignores; when it ends with a checkpoint it is renamed to
 * `<registry>/<name>/<version>` (version = UTC timestamp `YYYYMMDDTHHMMSSZ`, sortable, reserved exclusively). Only a
 * finished job's version is complete (served as `name`); a cancelled or stopped job's checkpoint is a partial
 * version, served only as `name@version`. A failed job's staging folder is removed. Jobs live in memory: a restart
 * forgets them (published versions stay on disk); NatsTrainingJobs is the queue that survives replicas.
 */
export class LocalTrainingJobs implements TrainingJobs {
  readonly #options: TrainingJobsOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  readonly #running = new Set<Job>();
  #root: string | undefined;
  #closed = false;

  constructor(options: TrainingJobsOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {
    this.#root = await resolveTrainingRoot(this.#options.trainingRoot);
  }

  /** Validates and queues a job for `caller`; it starts at once when a running slot is free. */
  async start(request: StartTrainingRequest, caller: Caller): Promise<TrainingJobMessage> {
    const root = this.#root;
    const valid = await validateJobRequest(request, root, this.#options.limits);
    const { maxQueuedJobs } = this.#options;
    const { maxRunningJobs } = this.#options.limits;
    if (this.#running.size >= maxRunningJobs && this.#queue.length >= maxQueuedJobs) {
      const limit = maxQueuedJobs > 0 ? 'maxQueuedJobs' : 'maxRunningJobs';
      throw new CapacityError(
        limit,
        `${this.#running.size} training jobs run (limit maxRunningJobs = ${maxRunningJobs}) and ${this.#queue.length} wait (limit maxQueuedJobs = ${maxQueuedJobs}); retry later.`,
      );
    }
    const id = newJobId();
    const { promise: ended, resolve: markEnded } = deferred();
    const job: Job = {
      id,
      owner: caller.name,
      modelName: valid.modelName,
      state: 'JOB_STATE_QUEUED',
      createdAt: new Date(),
      input: workerInput(this.#options, id, valid, root!),
      modelVersion: '',
      error: '',
      events: [],
      nextSeq: 0,
      changed: deferred(),
      process: undefined,
      ended,
      markEnded,
    };
    this.#jobs.set(id, job);
    this.#queue.push(job);
    this.#emit(job, { message: 'queued' });
    this.#options.log?.info('training_queued', { job: id, caller: caller.name, model: valid.modelName, source: valid.sourceDir, target: valid.targetDir });
    this.#next();
    return this.snapshot(id);
  }

  authorize(jobId: string, caller: Caller): Promise<void> {
    checkOwner(this.#get(jobId).owner, caller);
    return Promise.resolve();
  }

  snapshot(jobId: string): TrainingJobMessage {
    const job = this.#get(jobId);
    const position = this.#queue.indexOf(job);
    return {
      jobId: job.id,
      modelName: job.modelName,
      state: job.state,
      queuePosition: position < 0 ? 0 : position,
      modelVersion: job.modelVersion,
      error: job.error ? { code: status.INTERNAL, message: job.error, details: [] } : null,
      createTime: toTimestamp(job.createdAt),
    };
  }

  async *watch(jobId: string, signal: AbortSignal): AsyncGenerator<TrainingEventMessage> {
    const job = this.#get(jobId);
    let next = 0;
    for (;;) {
      const changed = job.changed.promise;
      for (const stored of job.events) {
        if (stored.seq < next) continue;
        next = stored.seq + 1;
        yield stored.message;
      }
      if (TERMINAL.has(job.state) && next >= job.nextSeq) return;
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        void changed.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  cancel(jobId: string): Promise<TrainingJobMessage> {
    const job = this.#get(jobId);
    if (!TERMINAL.has(job.state)) {
      const queued = this.#queue.indexOf(job);
      if (queued >= 0) {
        this.#queue.splice(queued, 1);
        this.#finish(job, 'JOB_STATE_CANCELLED', { message: 'cancelled before it started' });
      } else {
        job.process?.stop();
      }
    }
    return Promise.resolve(this.snapshot(jobId));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#running];
    await Promise.all([...this.#queue, ...running].map((job) => this.cancel(job.id)));
    await Promise.all(running.map((job) => job.ended));
  }

  get running(): string[] {
    return [...this.#running].map((job) => job.id);
  }

  list(): TrainingJobMessage[] {
    return [...this.#jobs.keys()].map((id) => this.snapshot(id));
  }

  #get(jobId: string): Job {
    const job = this.#jobs.get(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  #next(): void {
    while (!this.#closed && this.#running.size < this.#options.limits.maxRunningJobs) {
      const job = this.#queue.shift();
      if (!job) return;
      this.#run(job);
    }
  }

  #run(job: Job): void {
    this.#running.add(job);
    job.state = 'JOB_STATE_RUNNING';
    this.#emit(job, { message: 'started' });
    const process = new JobProcess(job.input, this.#options.limits, (fields, kind) => this.#emit(job, fields, kind));
    job.process = process;
    if (process.pid !== undefined) this.#options.log?.info('training_started', { job: job.id, caller: job.owner, model: job.modelName, pid: process.pid });
    void process.outcome.then((outcome) => this.#end(job, outcome));
  }

  async #end(job: Job, outcome: WorkerMessage): Promise<void> {
    const process = job.process;
    job.process = undefined;
    try {
      const settled = await settleJob(outcome, { id: job.id, modelName: job.modelName, modelDir: job.input.modelDir, stoppedBy: process?.stoppedBy }, this.#options.registry, this.#options.log);
      job.modelVersion = settled.modelVersion;
      job.error = settled.error;
      this.#finish(job, settled.state, settled.fields);
    } finally {
      this.#running.delete(job);
      this.#next();
    }
  }

  #finish(job: Job, state: JobStateName, fields: Partial<TrainingEventMessage>): void {
    job.state = state;
    this.#emit(job, { ...fields, modelVersion: job.modelVersion });
    this.#options.log?.info('training_ended', { job: job.id, caller: job.owner, state, model: job.modelVersion || job.modelName, error: job.error || undefined });
    job.markEnded();
    this.#forgetOldJobs();
  }

  #emit(job: Job, fields: Partial<TrainingEventMessage>, kind: EventKind = 'other'): void {
    const message = nextEvent(job.events.at(-1)?.message, job.id, job.state, fields);
    job.events.push({ seq: job.nextSeq++, kind, message });
    const same = job.events.filter((e) => e.kind === kind);
    if (same.length > MAX_EVENTS[kind]) job.events.splice(job.events.indexOf(same[0]!), 1);
    const { resolve } = job.changed;
    job.changed = deferred();
    resolve();
  }

  #forgetOldJobs(): void {
    const finished = [...this.#jobs.values()].filter((j) => TERMINAL.has(j.state));
    for (const job of finished.slice(0, Math.max(0, finished.length - this.#options.maxFinishedJobs))) this.#jobs.delete(job.id);
  }
}
