import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { status } from '@grpc/grpc-js';
import { fromStruct, toTimestamp } from '@sim2real/contracts';
import type { BackendChoice } from '@sim2real/tensor';
import { resolveTranslationConfig } from '@sim2real/translation';
import type { StageName, TrainingEvent, TranslationOptions } from '@sim2real/translation';
import { MODEL_NAME_PATTERN } from './config.js';
import { CapacityError, InvalidRequestError, JobNotFoundError } from './errors.js';
import type { JobStateName, StartTrainingRequest, TrainingConfigMessage, TrainingEventMessage, TrainingJobMessage, TrainingStageName } from './proto.js';
import type { ModelRegistry } from './registry.js';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker-protocol.js';

export interface TrainingJobsOptions {
  registry: ModelRegistry;
  maxQueuedJobs: number;
  maxFinishedJobs: number;
  trainingDataRoot: string | undefined;
  vggDir: string | undefined;
  backend: BackendChoice;
  /** Nice value of the training thread. */
  trainingNice: number;
  /** Starts the worker thread of a job (tests may wrap it). */
  startWorker?: (input: WorkerInput) => Worker;
  log?: (entry: Record<string, unknown>) => void;
}

/** Step events kept for replay per job (other events are all kept); older ones are dropped first. */
const MAX_STEP_EVENTS = 256;
const TERMINAL: ReadonlySet<JobStateName> = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);

interface StoredEvent {
  seq: number;
  isStep: boolean;
  message: TrainingEventMessage;
}

interface Job {
  id: string;
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
  worker: Worker | undefined;
  cancelRequested: boolean;
  /** Resolves once the job is terminal. */
  ended: Promise<void>;
  markEnded: () => void;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const WORKER_URL = new URL('./worker.ts', import.meta.url);

/**
 * Starts worker.ts. Workers do not inherit the TypeScript loader of the main thread (module hooks are per thread
 * in Node 20), so a one-line ESM bootstrap registers tsx in the worker first, then imports the worker module.
 */
function defaultStartWorker(input: WorkerInput): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: input });
}

/** The proto's TrainingStage of a trainer stage. */
export function trainingStage(stage: StageName | undefined): TrainingStageName {
  return stage === undefined ? 'TRAINING_STAGE_UNSPECIFIED' : `TRAINING_STAGE_${stage.toUpperCase() as Uppercase<StageName>}`;
}

/** Translation options from the proto's TrainingConfig: zero means default; `overrides` are translation options by name. */
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
 * Training jobs: one runs at a time (in a worker thread, so serving is not starved of the main thread), others
 * wait in a FIFO queue. A job trains into a hidden staging folder `<registry>/<name>/.training-<job>` that the
 * registry ignores; on success it is renamed to `<registry>/<name>/<version>` (version = UTC timestamp
 * `YYYYMMDDTHHMMSSZ`, sortable) and is servable at once. A cancelled job keeps its last checkpoint: when one was
 * written, it is published the same way (its manifest records the step it stopped at). A failed job's staging
 * folder is removed. Jobs live in memory: a restart forgets them (published versions stay on disk).
 */
export class TrainingJobs {
  readonly #options: TrainingJobsOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  #running: Job | undefined;
  #closed = false;

  constructor(options: TrainingJobsOptions) {
    this.#options = options;
  }

  /** Validates and queues a job; it starts at once when none runs. */
  async start(request: StartTrainingRequest): Promise<TrainingJobMessage> {
    const { modelName } = request;
    if (!MODEL_NAME_PATTERN.test(modelName)) {
      throw new InvalidRequestError(`model_name "${modelName}" is not a valid model name (letters, digits, ".", "_", "-"; at most 128).`, undefined, {
        field: 'model_name',
      });
    }
    const options = trainingOptions(request.config, request.sampleEverySteps);
    resolveTranslationConfig(options);
    const sourceDir = await this.#folder('source_uri', request.sourceUri);
    const targetDir = await this.#folder('target_uri', request.targetUri);
    const waiting = this.#queue.length + (this.#running ? 1 : 0);
    if (waiting > this.#options.maxQueuedJobs) {
      throw new CapacityError('maxQueuedJobs', `${this.#queue.length} training jobs are already queued (limit maxQueuedJobs = ${this.#options.maxQueuedJobs}); retry later.`);
    }
    const id = `job-${randomUUID()}`;
    const modelDir = path.join(this.#options.registry.root, modelName, `.training-${id}`);
    const { promise: ended, resolve: markEnded } = deferred();
    const job: Job = {
      id,
      modelName,
      state: 'JOB_STATE_QUEUED',
      createdAt: new Date(),
      input: { sourceDir, targetDir, modelDir, options, vggDir: this.#options.vggDir, backend: this.#options.backend, nice: this.#options.trainingNice },
      modelVersion: '',
      error: '',
      events: [],
      nextSeq: 0,
      changed: deferred(),
      worker: undefined,
      cancelRequested: false,
      ended,
      markEnded,
    };
    this.#jobs.set(id, job);
    this.#queue.push(job);
    this.#emit(job, { message: 'queued' });
    this.#options.log?.({ event: 'training_queued', job: id, model: modelName, source: sourceDir, target: targetDir });
    this.#next();
    return this.snapshot(id);
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
      job.worker?.postMessage({ type: 'cancel' } satisfies WorkerCommand);
    }
    return this.snapshot(jobId);
  }

  /** Takes no more jobs, cancels the queued ones and the running one; resolves when the running one has ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of [...this.#queue]) this.cancel(job.id);
    const running = this.#running;
    if (running) {
      this.cancel(running.id);
      await running.ended;
    }
  }

  get running(): string | undefined {
    return this.#running?.id;
  }

  #get(jobId: string): Job {
    const job = this.#jobs.get(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  async #folder(field: string, uri: string): Promise<string> {
    const invalid = (message: string): InvalidRequestError => new InvalidRequestError(message, undefined, { field });
    if (uri === '') throw invalid(`${field} is required: a server-side folder or file:// URI of images.`);
    let dir: string;
    if (uri.startsWith('file://')) dir = fileURLToPath(uri);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) throw invalid(`${field} "${uri}" uses a scheme this server cannot read; give a folder path or a file:// URI.`);
    else dir = uri;
    const root = this.#options.trainingDataRoot;
    if (root !== undefined) {
      dir = path.resolve(root, dir);
      const relative = path.relative(root, dir);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        throw invalid(`${field} "${uri}" is outside the server's training data root ${root}.`);
      }
    } else if (!path.isAbsolute(dir)) {
      throw invalid(`${field} "${uri}" must be an absolute server-side path.`);
    }
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw invalid(`${field} "${uri}" is not a folder on the server.`);
    return dir;
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#running = job;
    job.state = 'JOB_STATE_RUNNING';
    this.#emit(job, { message: 'started' });
    this.#options.log?.({ event: 'training_started', job: job.id, model: job.modelName });
    let worker: Worker;
    try {
      worker = (this.#options.startWorker ?? defaultStartWorker)(job.input);
    } catch (error) {
      void this.#end(job, { type: 'failed', message: `The training worker could not start: ${String(error)}` });
      return;
    }
    job.worker = worker;
    let outcome: WorkerMessage | undefined;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') this.#emit(job, eventFields(message.event), message.event.kind === 'step');
      else if (message.type === 'log') this.#emit(job, { message: message.message });
      else {
        outcome = message;
        // The worker's port keeps its thread alive; the result is in, so end it ('exit' finishes the job).
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      outcome ??= { type: 'failed', message: `The training worker crashed: ${error.message}` };
    });
    worker.on('exit', (code) => {
      job.worker = undefined;
      void this.#end(job, outcome ?? { type: 'failed', message: `The training worker exited with code ${code} without a result.` });
    });
  }

  async #end(job: Job, outcome: WorkerMessage): Promise<void> {
    try {
      if (outcome.type === 'done' || (outcome.type === 'cancelled' && (await this.#hasCheckpoint(job)))) {
        job.modelVersion = await this.#publish(job);
      } else {
        await rm(job.input.modelDir, { recursive: true, force: true });
      }
      if (outcome.type === 'done') this.#finish(job, 'JOB_STATE_SUCCEEDED', { message: `trained ${outcome.steps} steps${outcome.degraded ? ' (degraded mode: no VGG-19 weights)' : ''}` });
      else if (outcome.type === 'cancelled') {
        const kept = job.modelVersion ? `; its checkpoint is published as ${job.modelVersion}` : '; no checkpoint had been written';
        this.#finish(job, 'JOB_STATE_CANCELLED', { step: outcome.step, message: `cancelled at step ${outcome.step}${kept}` });
      } else {
        job.error = outcome.type === 'failed' ? outcome.message : 'The training worker ended unexpectedly.';
        this.#finish(job, 'JOB_STATE_FAILED', { message: job.error });
      }
    } catch (error) {
      job.error = `Publishing the trained model failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#finish(job, 'JOB_STATE_FAILED', { message: job.error });
    } finally {
      this.#running = undefined;
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
    this.#options.log?.({ event: 'training_ended', job: job.id, state, model: job.modelVersion || job.modelName, error: job.error || undefined });
    job.markEnded();
    this.#forgetOldJobs();
  }

  #emit(job: Job, fields: Partial<TrainingEventMessage>, isStep = false): void {
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
    job.events.push({ seq: job.nextSeq++, isStep, message });
    const steps = job.events.filter((e) => e.isStep);
    if (steps.length > MAX_STEP_EVENTS) job.events.splice(job.events.indexOf(steps[0]!), 1);
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
