import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { fromStruct, toTimestamp } from '@sim2real/contracts';
import { LabelledFolderError, readFolderLabels } from '@sim2real/datasets';
import type { BackendChoice } from '@sim2real/tensor';
import { resolveTranslationConfig } from '@sim2real/translation';
import type { StageName, TrainingEvent, TranslationOptions } from '@sim2real/translation';
import type { Caller } from './auth.js';
import { MODEL_NAME_PATTERN } from './config.js';
import { CapacityError, ConfigError, InvalidRequestError, JobNotFoundError, PermissionDeniedError, PreconditionError } from './errors.js';
import type { JobStateName, StartTrainingRequest, TrainingConfigMessage, TrainingEventMessage, TrainingJobMessage, TrainingStageName } from './proto.js';
import type { ModelRegistry } from './registry.js';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker-protocol.js';

export interface TrainingJobsOptions {
  registry: ModelRegistry;
  maxQueuedJobs: number;
  maxFinishedJobs: number;
  /** Remote training reads only under this folder; undefined turns StartTraining off. */
  trainingRoot: string | undefined;
  /** Per-job limits (config names, so that errors can name them). */
  limits: {
    trainingMaxSteps: number;
    trainingMaxImageSize: number;
    trainingMaxBatchSize: number;
    trainingMaxWallTimeMs: number;
    maxRunningJobs: number;
    trainingMemoryMb: number;
  };
  vggDir: string | undefined;
  backend: BackendChoice;
  /** Nice value of a job's process. */
  trainingNice: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** Events kept for replay per job, by kind; the oldest of a kind is dropped first (sample grids are the big ones). */
const MAX_EVENTS = { step: 256, sample: 8, other: 256 } as const;
type EventKind = keyof typeof MAX_EVENTS;
/** How long a job asked to stop (cancel, wall time, shutdown) gets to write its checkpoint before it is killed. */
const STOP_GRACE_MS = 30_000;
/** Bytes of a job process's stderr kept to explain a crash. */
const STDERR_TAIL_BYTES = 4096;
const TERMINAL: ReadonlySet<JobStateName> = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);

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
  process: ChildProcess | undefined;
  cancelRequested: boolean;
  /** The limit that stopped it, when one did. */
  stoppedBy: string | undefined;
  /** Resolves once the job is terminal. */
  ended: Promise<void>;
  markEnded: () => void;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Starts worker.ts as a child process (through tsx) with its memory capped: the V8 heap by `--max-old-space-size`,
 * each wasm memory by `--wasm-max-mem-pages` (64 KiB pages); stdout is dropped, stderr kept to explain a crash.
 */
function startJobProcess(memoryMb: number): ChildProcess {
  return fork(WORKER_PATH, [], {
    execArgv: ['--import', import.meta.resolve('tsx'), `--max-old-space-size=${memoryMb}`, `--wasm-max-mem-pages=${memoryMb * 16}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
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

/** Whether `child` (an absolute path) lies under `root`, or is it. */
function isWithin(root: string, child: string): boolean {
  const relative = path.relative(root, child);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The proto's TrainingStage of a trainer stage. */
export function trainingStage(stage: StageName | undefined): TrainingStageName {
  return stage === undefined ? 'TRAINING_STAGE_UNSPECIFIED' : `TRAINING_STAGE_${stage.toUpperCase() as Uppercase<StageName>}`;
}

/** Translation options from the proto's TrainingConfig: zero means default; `overrides` are translation options by name; the preset's values stand under both. */
export function trainingOptions(config: TrainingConfigMessage | null, sampleEverySteps: number): TranslationOptions {
  const options: Record<string, unknown> = {};
  if (config) {
    if (config.imageSize) options.imageSize = config.imageSize;
    if (config.steps) options.steps = config.steps;
    if (config.batchSize) options.batchSize = config.batchSize;
    if (config.noAttention) options.attention = false;
    if (config.seed && config.seed !== '0') options.seed = Number(config.seed);
    if (config.generatorWidth) options.generatorWidth = config.generatorWidth;
    if (config.residualBlocks) options.residualBlocks = config.residualBlocks;
    if (config.learningRate) options.learningRate = config.learningRate;
    if (config.preset) options.preset = config.preset;
    if (config.sourceLabels) options.labelConsistent = true;
    const known = new Set(Object.keys(resolveTranslationConfig()));
    for (const [key, value] of Object.entries(fromStruct(config.overrides))) {
      if (!known.has(key)) {
        throw new InvalidRequestError(`Training override "${key}" is not a translation option (known: ${[...known].join(', ')}).`, undefined, {
          field: `config.overrides.${key}`,
        });
      }
      options[key] = value;
    }
  }
  if (sampleEverySteps) options.sampleEverySteps = sampleEverySteps;
  return options;
}

/**
 * Training jobs: up to `maxRunningJobs` run at once, each in its own child process (heap and wasm memory capped,
 * lower priority), so that a job that crashes, runs out of memory or is killed ends FAILED and serving goes on;
 * others wait in a FIFO queue. Jobs read only under the training root (checked after symlinks, here and for each
 * file in the job's process). A job trains into a hidden staging folder `<registry>/<name>/.training-<job>` that
 * the registry ignores; when it ends with a checkpoint it is renamed to `<registry>/<name>/<version>` (version =
 * UTC timestamp `YYYYMMDDTHHMMSSZ`, sortable). Only a finished job's version is complete (served as `name`); a
 * cancelled or stopped job's checkpoint is a partial version, served only as `name@version`. A failed job's
 * staging folder is removed. Jobs live in memory: a restart forgets them (published versions stay on disk).
 */
export class TrainingJobs {
  readonly #options: TrainingJobsOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  readonly #running = new Set<Job>();
  #root: string | undefined;
  #closed = false;

  constructor(options: TrainingJobsOptions) {
    this.#options = options;
  }

  /** Resolves the training root (after symlinks); ConfigError when it is set but not a folder. */
  async init(): Promise<void> {
    const root = this.#options.trainingRoot;
    if (root === undefined) return;
    const real = await realpath(root).catch(() => undefined);
    if (!real || !(await stat(real)).isDirectory()) throw new ConfigError('trainingRoot', `The training root ${root} is not a folder.`);
    this.#root = real;
  }

  /** Validates and queues a job for `caller`; it starts at once when a running slot is free. */
  async start(request: StartTrainingRequest, caller: Caller): Promise<TrainingJobMessage> {
    const root = this.#root;
    if (root === undefined) throw new PreconditionError('Remote training is disabled on this server (it was started without --training-root).');
    const { modelName } = request;
    if (!MODEL_NAME_PATTERN.test(modelName)) {
      throw new InvalidRequestError(`model_name "${modelName}" is not a valid model name (letters, digits, ".", "_", "-"; at most 128).`, undefined, {
        field: 'model_name',
      });
    }
    const options = trainingOptions(request.config, request.sampleEverySteps);
    this.#checkLimits(resolveTranslationConfig(options));
    const sourceDir = await this.#folder('source_uri', request.sourceUri, root);
    if (options.labelConsistent) {
      // The sentence names the folder as the caller gave it, not where it lies on the server.
      await readFolderLabels(sourceDir).catch((error: unknown) => {
        if (!(error instanceof LabelledFolderError)) throw error;
        throw new InvalidRequestError(`source_labels: ${error.message.replaceAll(sourceDir, request.sourceUri)}`, undefined, { field: 'config.source_labels' });
      });
    }
    const targetDir = await this.#folder('target_uri', request.targetUri, root);
    const { maxQueuedJobs } = this.#options;
    const { maxRunningJobs } = this.#options.limits;
    if (this.#running.size >= maxRunningJobs && this.#queue.length >= maxQueuedJobs) {
      const limit = maxQueuedJobs > 0 ? 'maxQueuedJobs' : 'maxRunningJobs';
      throw new CapacityError(
        limit,
        `${this.#running.size} training jobs run (limit maxRunningJobs = ${maxRunningJobs}) and ${this.#queue.length} wait (limit maxQueuedJobs = ${maxQueuedJobs}); retry later.`,
      );
    }
    const id = `job-${randomUUID()}`;
    const modelDir = path.join(this.#options.registry.root, modelName, `.training-${id}`);
    const { promise: ended, resolve: markEnded } = deferred();
    const job: Job = {
      id,
      owner: caller.name,
      modelName,
      state: 'JOB_STATE_QUEUED',
      createdAt: new Date(),
      input: {
        sourceDir,
        targetDir,
        trainingRoot: root,
        modelDir,
        options,
        vggDir: this.#options.vggDir,
        backend: this.#options.backend,
        nice: this.#options.trainingNice,
      },
      modelVersion: '',
      error: '',
      events: [],
      nextSeq: 0,
      changed: deferred(),
      process: undefined,
      cancelRequested: false,
      stoppedBy: undefined,
      ended,
      markEnded,
    };
    this.#jobs.set(id, job);
    this.#queue.push(job);
    this.#emit(job, { message: 'queued' });
    this.#options.log?.({ event: 'training_queued', job: id, caller: caller.name, model: modelName, source: sourceDir, target: targetDir });
    this.#next();
    return this.snapshot(id);
  }

  /** The job, when `caller` may see it: its owner, or an admin. */
  authorize(jobId: string, caller: Caller): void {
    const job = this.#get(jobId);
    if (job.owner !== caller.name && !caller.roles.has('admin')) throw new PermissionDeniedError("watch or cancel another caller's job");
  }

  /** The job as the TrainingJob message. */
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

  /** Past events of the job (replayed), then live ones until it ends; stops early when `signal` aborts. */
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

  /** Cancels a queued job at once, or asks the running one to stop after writing its checkpoint. */
  cancel(jobId: string): TrainingJobMessage {
    const job = this.#get(jobId);
    if (TERMINAL.has(job.state)) return this.snapshot(jobId);
    job.cancelRequested = true;
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#finish(job, 'JOB_STATE_CANCELLED', { message: 'cancelled before it started' });
    } else {
      this.#stop(job);
    }
    return this.snapshot(jobId);
  }

  /** Takes no more jobs, cancels the queued ones and the running ones; resolves when those have ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of [...this.#queue]) this.cancel(job.id);
    const running = [...this.#running];
    for (const job of running) this.cancel(job.id);
    await Promise.all(running.map((job) => job.ended));
  }

  /** Ids of the running jobs. */
  get running(): string[] {
    return [...this.#running].map((job) => job.id);
  }

  /** Every job remembered (queued, running, finished), oldest first. */
  list(): TrainingJobMessage[] {
    return [...this.#jobs.keys()].map((id) => this.snapshot(id));
  }

  #get(jobId: string): Job {
    const job = this.#jobs.get(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  /**
   * A training folder: relative to the root or absolute, it must be a folder under the root after symlinks. Every
   * refusal has the same sentence, so that an answer never tells whether a path outside the root exists.
   */
  async #folder(field: string, uri: string, root: string): Promise<string> {
    if (uri === '') throw new InvalidRequestError(`${field} is required: a folder under the server's training root (or a file:// URI).`);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
      throw new InvalidRequestError(`${field} "${uri}" uses a scheme this server cannot read; give a folder path or a file:// URI.`);
    }
    const refused = new InvalidRequestError(`${field} "${uri}" is not a folder under the server's training root.`, undefined, { field });
    let dir: string;
    try {
      dir = path.resolve(root, uri.startsWith('file://') ? fileURLToPath(uri) : uri);
    } catch {
      throw refused;
    }
    if (!isWithin(root, dir)) throw refused;
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined || !isWithin(root, real)) throw refused;
    if (!(await stat(real).catch(() => undefined))?.isDirectory()) throw refused;
    return real;
  }

  /** INVALID_ARGUMENT naming the limit when the resolved config asks for more than a job may have. */
  #checkLimits(config: { steps: number; imageSize: number; batchSize: number }): void {
    const { limits } = this.#options;
    const checks: [string, number, keyof typeof limits][] = [
      ['steps', config.steps, 'trainingMaxSteps'],
      ['image size', config.imageSize, 'trainingMaxImageSize'],
      ['batch size', config.batchSize, 'trainingMaxBatchSize'],
    ];
    for (const [what, value, limit] of checks) {
      if (value > limits[limit]) throw new InvalidRequestError(`A ${what} of ${value} is over this server's limit of ${limits[limit]} (${limit}).`);
    }
  }

  /** Asks a running job to stop at a checkpoint; kills its process when it has not ended after STOP_GRACE_MS. */
  #stop(job: Job): void {
    const child = job.process;
    if (!child) return;
    if (child.connected) child.send({ type: 'cancel' } satisfies WorkerCommand);
    setTimeout(() => {
      if (job.process === child) child.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  }

  #next(): void {
    while (!this.#closed && this.#running.size < this.#options.limits.maxRunningJobs) {
      const job = this.#queue.shift();
      if (!job) return;
      this.#run(job);
    }
  }

  #run(job: Job): void {
    const { trainingMemoryMb, trainingMaxWallTimeMs } = this.#options.limits;
    this.#running.add(job);
    job.state = 'JOB_STATE_RUNNING';
    this.#emit(job, { message: 'started' });
    let child: ChildProcess;
    try {
      child = startJobProcess(trainingMemoryMb);
    } catch (error) {
      void this.#end(job, { type: 'failed', message: `The training process could not start: ${String(error)}` });
      return;
    }
    this.#options.log?.({ event: 'training_started', job: job.id, caller: job.owner, model: job.modelName, pid: child.pid });
    job.process = child;
    const wallTimer = setTimeout(() => {
      job.stoppedBy = `The job ran past the wall-time limit of ${trainingMaxWallTimeMs} ms (trainingMaxWallTimeMs)`;
      this.#stop(job);
    }, trainingMaxWallTimeMs).unref();
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    let outcome: WorkerMessage | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') this.#emit(job, eventFields(message.event), message.event.kind === 'step' ? 'step' : message.event.samplePng ? 'sample' : 'other');
      else if (message.type === 'log') this.#emit(job, { message: message.message });
      else outcome = message;
    });
    child.on('error', (error) => {
      outcome ??= { type: 'failed', message: `The training process failed: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(wallTimer);
      job.process = undefined;
      void this.#end(job, outcome ?? { type: 'failed', message: exitReason(code, signal, stderr, trainingMemoryMb) });
    });
    child.send({ type: 'start', input: job.input } satisfies WorkerCommand);
  }

  async #end(job: Job, outcome: WorkerMessage): Promise<void> {
    try {
      if (outcome.type === 'done' || (outcome.type === 'cancelled' && (await this.#hasCheckpoint(job)))) {
        job.modelVersion = await this.#publish(job);
      } else {
        await rm(job.input.modelDir, { recursive: true, force: true });
      }
      const kept = job.modelVersion ? `; its checkpoint is published as the partial version ${job.modelVersion}` : '; no checkpoint had been written';
      if (outcome.type === 'done') this.#finish(job, 'JOB_STATE_SUCCEEDED', { message: `trained ${outcome.steps} steps${outcome.degraded ? ' (degraded mode: no VGG-19 weights)' : ''}` });
      else if (outcome.type === 'cancelled' && job.stoppedBy) {
        job.error = `${job.stoppedBy}; stopped at step ${outcome.step}${kept}.`;
        this.#finish(job, 'JOB_STATE_FAILED', { step: outcome.step, message: job.error });
      } else if (outcome.type === 'cancelled') {
        this.#finish(job, 'JOB_STATE_CANCELLED', { step: outcome.step, message: `cancelled at step ${outcome.step}${kept}` });
      } else {
        job.error = outcome.type === 'failed' ? (job.stoppedBy && !job.modelVersion ? `${job.stoppedBy}: ${outcome.message}` : outcome.message) : 'The training process ended unexpectedly.';
        this.#finish(job, 'JOB_STATE_FAILED', { message: job.error });
      }
    } catch (error) {
      job.error = `Publishing the trained model failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#finish(job, 'JOB_STATE_FAILED', { message: job.error });
    } finally {
      this.#running.delete(job);
      this.#next();
    }
  }

  async #hasCheckpoint(job: Job): Promise<boolean> {
    return (await stat(path.join(job.input.modelDir, 'sim2real-model.json')).catch(() => undefined))?.isFile() ?? false;
  }

  async #publish(job: Job): Promise<string> {
    const { registry } = this.#options;
    const version = await registry.nextVersion(job.modelName);
    await rename(job.input.modelDir, path.join(registry.root, job.modelName, version));
    registry.invalidate(job.modelName);
    this.#options.log?.({ event: 'model_published', job: job.id, model: `${job.modelName}@${version}` });
    return `${job.modelName}@${version}`;
  }

  #finish(job: Job, state: JobStateName, fields: Partial<TrainingEventMessage>): void {
    job.state = state;
    this.#emit(job, { ...fields, modelVersion: job.modelVersion });
    this.#options.log?.({ event: 'training_ended', job: job.id, caller: job.owner, state, model: job.modelVersion || job.modelName, error: job.error || undefined });
    job.markEnded();
    this.#forgetOldJobs();
  }

  #emit(job: Job, fields: Partial<TrainingEventMessage>, kind: EventKind = 'other'): void {
    const last = job.events.at(-1)?.message;
    const message: TrainingEventMessage = {
      trainingStage: last?.trainingStage ?? 'TRAINING_STAGE_UNSPECIFIED',
      step: last?.step ?? 0,
      totalSteps: last?.totalSteps ?? 0,
      ...fields,
      jobId: job.id,
      state: job.state,
      eventTime: toTimestamp(new Date()),
    };
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

/** The proto fields of a trainer event. */
function eventFields(event: TrainingEvent): Partial<TrainingEventMessage> {
  return {
    trainingStage: trainingStage(event.stage),
    step: event.step,
    totalSteps: event.totalSteps,
    losses: event.losses,
    selfRegularizationWeight: event.lambda,
    sampleGrid: event.samplePng ? { data: event.samplePng, encoding: 'ENCODING_PNG' } : undefined,
    message: event.kind === 'step' ? undefined : (event.message ?? event.kind),
  };
}
