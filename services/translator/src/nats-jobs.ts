import { rm } from 'node:fs/promises';
import { status } from '@grpc/grpc-js';
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import type { NatsConnection, QueuedIterator, Subscription } from '@nats-io/transport-node';
import { sim2realV1, toTimestamp } from '@sim2real/contracts';
import {
  TRAINING_CANCEL_SUBJECT_PREFIX,
  TRAINING_CONSUMER,
  TRAINING_EVENTS_STREAM,
  TRAINING_QUEUE_STREAM,
  TRAINING_QUEUE_SUBJECT,
  connectNats,
  provisionTraining,
  trainingCancelSubject,
  trainingEventSubject,
} from '@sim2real/messaging';
import type { NatsAuthOptions, TrainingQueueSettings } from '@sim2real/messaging';
import type { Caller } from './auth.js';
import { MODEL_NAME_PATTERN } from './config.js';
import { CapacityError, JobNotFoundError } from './errors.js';
import { JobProcess, MAX_EVENTS, TERMINAL, nextEvent, settleJob } from './job-runner.js';
import type { EventKind } from './job-runner.js';
import { isWithin, resolveTrainingRoot, validateJobRequest } from './job-request.js';
import { checkOwner, deferred, newJobId, stagingDir, workerInput } from './jobs.js';
import type { TrainingJobs, TrainingJobsOptions } from './jobs.js';
import type { JobStateName, StartTrainingRequest, TrainingEventMessage, TrainingJobMessage } from './proto.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

/** How long one pull for the next queued job waits before it is renewed. */
const PULL_EXPIRES_MS = 5000;
/** Pause after a failed pull (NATS unreachable) before the next. */
const PULL_RETRY_MS = 1000;

export interface NatsTrainingJobsOptions extends TrainingJobsOptions {
  /** NATS server URL(s), comma-separated. */
  servers: string;
  auth: NatsAuthOptions;
  queue: TrainingQueueSettings;
  /** This replica's name in job records and logs (`host:pid`). */
  replica: string;
}

/** A job as stored in the bucket (JSON, key = job id). */
interface JobRecord {
  id: string;
  /** Name of the caller that started it (train callers may watch and cancel only their own jobs). */
  owner: string;
  modelName: string;
  state: JobStateName;
  /** ISO 8601. */
  createdAt: string;
  input: WorkerInput;
  /** `name@version` once published. */
  modelVersion: string;
  error: string;
  /** The replica running it; empty while it waits. */
  runner: string;
  /** Set by CancelTraining on any replica; the runner stops the job at its next checkpoint. */
  cancelRequested: boolean;
}

/** A job this replica runs. */
interface RunningJob {
  record: JobRecord;
  /** Its queue message: in-progress acks while it runs, acked when it has ended. */
  msg: JsMsg;
  process: JobProcess | undefined;
  stopping: boolean;
  last: TrainingEventMessage | undefined;
  /** Sample grids go round MAX_EVENTS.sample rolled-up subjects, so the stream keeps the latest few. */
  samples: number;
  /** Its events, published in order. */
  published: Promise<void>;
  ended: Promise<void>;
}

const encode = (record: JobRecord): Uint8Array => new TextEncoder().encode(JSON.stringify(record));

function isWrongRevision(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;
}

/**
 * Training jobs shared by translator replicas through NATS JetStream. Records live in the KV bucket (every replica
 * mirrors it through a watch, so snapshots and lists are local reads; a miss is read from the bucket); the queue
 * is a work-queue stream with one durable pull consumer shared by the replicas that have a training root, so each
 * job runs on one of them; its events go to a per-job subject of the event stream, which any replica replays to a
 * watcher. Every state change is a compare-and-set on the record's revision. The runner sends in-progress acks
 * every third of the AckWait; a job whose runner died (killed, cut off) is redelivered after the AckWait, and the
 * replica that receives it marks it FAILED with the reason (not retried: the job may be what killed its replica,
 * and a retry would start again from step 0). A graceful shutdown stops the replica's running jobs as
 * LocalTrainingJobs does (CANCELLED, checkpoint kept); queued jobs stay in the stream for the other replicas.
 */
export class NatsTrainingJobs implements TrainingJobs {
  readonly #options: NatsTrainingJobsOptions;
  readonly #records = new Map<string, { record: JobRecord; revision: number }>();
  readonly #running = new Map<string, RunningJob>();
  #root: string | undefined;
  #closed = false;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #kv: KV | undefined;
  #mirror: QueuedIterator<KvWatchEntry> | undefined;
  #cancels: Subscription | undefined;
  #pulling: Promise<void> = Promise.resolve();
  /** Resolved and replaced whenever a running slot frees up. */
  #freed = deferred();

  constructor(options: NatsTrainingJobsOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {
    this.#root = await resolveTrainingRoot(this.#options.trainingRoot);
    const nc = await connectNats({ servers: this.#options.servers, name: `sim2real-translator ${this.#options.replica}`, auth: this.#options.auth });
    this.#nc = nc;
    const js = jetstream(nc);
    this.#js = js;
    this.#kv = await provisionTraining(js, await jetstreamManager(nc), this.#options.queue);
    const mirror = await this.#kv.watch();
    this.#mirror = mirror;
    void (async () => {
      for await (const entry of mirror) {
        if (entry.operation === 'PUT') this.#remember(entry.json<JobRecord>(), entry.revision);
        else this.#records.delete(entry.key);
      }
    })();
    this.#cancels = nc.subscribe(`${TRAINING_CANCEL_SUBJECT_PREFIX}.*`, {
      callback: (_error, msg) => {
        const job = this.#running.get(msg.subject.slice(TRAINING_CANCEL_SUBJECT_PREFIX.length + 1));
        if (job) this.#stop(job);
      },
    });
    // Only a replica allowed to read training data runs jobs.
    if (this.#root !== undefined) this.#pulling = this.#pull(await js.consumers.get(TRAINING_QUEUE_STREAM, TRAINING_CONSUMER));
    this.#options.log?.info('training_queue', { kind: 'nats', replica: this.#options.replica, runsJobs: this.#root !== undefined, ackWaitMs: this.#options.queue.ackWaitMs });
  }

  async start(request: StartTrainingRequest, caller: Caller): Promise<TrainingJobMessage> {
    const root = this.#root;
    const valid = await validateJobRequest(request, root, this.#options.limits);
    const { maxQueuedJobs } = this.#options;
    const waiting = [...this.#records.values()].filter((r) => r.record.state === 'JOB_STATE_QUEUED').length;
    // maxQueuedJobs counts the jobs waiting in the shared queue; with 0, a job is taken only when none waits.
    if (waiting >= Math.max(1, maxQueuedJobs)) {
      throw new CapacityError('maxQueuedJobs', `${waiting} training jobs wait in the shared queue (limit maxQueuedJobs = ${maxQueuedJobs}); retry later.`);
    }
    const id = newJobId();
    const record: JobRecord = {
      id,
      owner: caller.name,
      modelName: valid.modelName,
      state: 'JOB_STATE_QUEUED',
      createdAt: new Date().toISOString(),
      input: workerInput(this.#options, id, valid, root!),
      modelVersion: '',
      error: '',
      runner: '',
      cancelRequested: false,
    };
    this.#remember(record, await this.#bucket().create(id, encode(record)));
    try {
      await this.#publishEvent(id, nextEvent(undefined, id, record.state, { message: 'queued' }), 'other');
      await this.#jetstream().publish(TRAINING_QUEUE_SUBJECT, id, { msgID: id });
    } catch (error) {
      // Not in the queue: no replica would ever take it.
      const reason = `The job could not be queued: ${error instanceof Error ? error.message : String(error)}`;
      await this.#update(id, (r) => ({ ...r, state: 'JOB_STATE_FAILED', error: reason })).catch(() => undefined);
      throw error;
    }
    this.#options.log?.info('training_queued', { job: id, caller: caller.name, model: valid.modelName, source: valid.sourceDir, target: valid.targetDir });
    return this.snapshot(id);
  }

  async authorize(jobId: string, caller: Caller): Promise<void> {
    checkOwner((await this.#record(jobId)).owner, caller);
  }

  snapshot(jobId: string): TrainingJobMessage {
    const record = this.#records.get(jobId)?.record;
    if (!record) throw new JobNotFoundError(jobId);
    const ahead = [...this.#records.values()].filter((r) => r.record.state === 'JOB_STATE_QUEUED' && r.record.createdAt < record.createdAt).length;
    return {
      jobId: record.id,
      modelName: record.modelName,
      state: record.state,
      queuePosition: record.state === 'JOB_STATE_QUEUED' ? ahead : 0,
      modelVersion: record.modelVersion,
      error: record.error ? { code: status.INTERNAL, message: record.error, details: [] } : null,
      createTime: toTimestamp(new Date(record.createdAt)),
    };
  }

  /** Replays the job's events from the event stream (an ordered consumer on its subjects), then follows them until a terminal one. */
  async *watch(jobId: string, signal: AbortSignal): AsyncGenerator<TrainingEventMessage> {
    const record = await this.#record(jobId);
    signal.throwIfAborted();
    const consumer = await this.#jetstream().consumers.get(TRAINING_EVENTS_STREAM, { filter_subjects: trainingEventSubject(jobId, '>') });
    const messages = await consumer.consume();
    const stop = (): void => void messages.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const msg of messages) {
        const event = sim2realV1.TrainingEvent.deserialize(Buffer.from(msg.data)) as TrainingEventMessage;
        yield event;
        // A job that ended before the watch began may have had its last events dropped by the stream's limits.
        if (TERMINAL.has(event.state as JobStateName) || (TERMINAL.has(record.state) && msg.info.pending === 0)) return;
      }
      signal.throwIfAborted();
    } finally {
      signal.removeEventListener('abort', stop);
      await messages.close().catch(() => undefined);
    }
  }

  /** A queued job is cancelled at once (compare-and-set); a running one is flagged, and its runner told over `sim2real.training.cancel.<job>`. */
  async cancel(jobId: string): Promise<TrainingJobMessage> {
    await this.#record(jobId);
    const changed = await this.#update(jobId, (record) => {
      if (record.state === 'JOB_STATE_QUEUED') return { ...record, state: 'JOB_STATE_CANCELLED', cancelRequested: true };
      if (record.state === 'JOB_STATE_RUNNING' && !record.cancelRequested) return { ...record, cancelRequested: true };
      return undefined;
    });
    if (changed?.state === 'JOB_STATE_CANCELLED') {
      await this.#publishEvent(jobId, nextEvent(undefined, jobId, changed.state, { message: 'cancelled before it started' }), 'other');
      this.#options.log?.info('training_ended', { job: jobId, caller: changed.owner, state: changed.state, model: changed.modelName });
    } else if (changed) {
      this.#nc!.publish(trainingCancelSubject(jobId));
    }
    return this.snapshot(jobId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#running.values()];
    for (const job of running) this.#stop(job);
    await Promise.all(running.map((job) => job.ended));
    this.#mirror?.stop();
    this.#cancels?.unsubscribe();
    await this.#nc?.close();
    await this.#pulling;
  }

  get running(): string[] {
    return [...this.#running.keys()];
  }

  list(): TrainingJobMessage[] {
    return [...this.#records.values()]
      .sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt))
      .map((r) => this.snapshot(r.record.id));
  }

  #bucket(): KV {
    if (!this.#kv) throw new Error('NatsTrainingJobs.init() has not run.');
    return this.#kv;
  }

  #jetstream(): JetStreamClient {
    if (!this.#js) throw new Error('NatsTrainingJobs.init() has not run.');
    return this.#js;
  }

  /** Keeps the newest revision of a record in the local mirror. */
  #remember(record: JobRecord, revision: number): void {
    const known = this.#records.get(record.id);
    if (!known || known.revision < revision) this.#records.set(record.id, { record, revision });
  }

  /** The record from the mirror, or from the bucket when the mirror has not seen it yet (started on another replica a moment ago). */
  async #record(jobId: string): Promise<JobRecord> {
    const known = this.#records.get(jobId);
    if (known) return known.record;
    const entry = /^[A-Za-z0-9_-]+$/.test(jobId) ? await this.#bucket().get(jobId) : null;
    if (!entry || entry.operation !== 'PUT') throw new JobNotFoundError(jobId);
    const record = entry.json<JobRecord>();
    this.#remember(record, entry.revision);
    return record;
  }

  /**
   * Compare-and-set on the record: `change` gets the stored record and returns the new one (undefined: no change);
   * a concurrent write makes it read and try again. Resolves to the record written, or undefined.
   */
  async #update(jobId: string, change: (record: JobRecord) => JobRecord | undefined): Promise<JobRecord | undefined> {
    const kv = this.#bucket();
    for (;;) {
      const entry = await kv.get(jobId);
      if (!entry || entry.operation !== 'PUT') throw new JobNotFoundError(jobId);
      const next = change(entry.json<JobRecord>());
      if (!next) return undefined;
      try {
        this.#remember(next, await kv.update(jobId, encode(next), entry.revision));
        return next;
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
      }
    }
  }

  /** Sample grids rotate over rolled-up slot subjects; steps and the rest are bounded by the stream's per-subject limit. */
  async #publishEvent(jobId: string, message: TrainingEventMessage, kind: EventKind, sampleSlot = 0): Promise<void> {
    const slot = kind === 'sample' ? `sample.${sampleSlot % MAX_EVENTS.sample}` : kind;
    const rollup = kind === 'sample' ? headers() : undefined;
    rollup?.set('Nats-Rollup', 'sub');
    await this.#jetstream().publish(trainingEventSubject(jobId, slot), sim2realV1.TrainingEvent.serialize(message), { headers: rollup });
  }

  /** Pulls queued jobs while a running slot is free. */
  async #pull(consumer: Consumer): Promise<void> {
    while (!this.#closed) {
      if (this.#running.size >= this.#options.limits.maxRunningJobs) {
        await this.#freed.promise;
        continue;
      }
      let msg: JsMsg | null;
      try {
        msg = await consumer.next({ expires: PULL_EXPIRES_MS });
      } catch (error) {
        if (this.#closed) return;
        this.#options.log?.error('training_queue_pull_failed', { error: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, PULL_RETRY_MS));
        continue;
      }
      if (!msg) continue;
      if (this.#closed) {
        msg.nak();
        return;
      }
      await this.#take(msg).catch((error: unknown) => {
        this.#options.log?.error('training_take_failed', { job: msg.string(), error: error instanceof Error ? error.message : String(error) });
        msg.nak(PULL_RETRY_MS);
      });
    }
  }

  /** One queue message: run the job, or settle what a previous delivery left (ended: ack; runner dead: FAILED). */
  async #take(msg: JsMsg): Promise<void> {
    const jobId = msg.string();
    const mine = this.#running.get(jobId);
    if (mine) {
      // Redelivered while it runs here (a late heartbeat): keep acking through the newest delivery.
      mine.msg = msg;
      msg.working();
      return;
    }
    const entry = await this.#bucket().get(jobId);
    if (!entry || entry.operation !== 'PUT') {
      msg.term();
      return;
    }
    const record = entry.json<JobRecord>();
    const refusal = this.#refusal(record);
    if (refusal !== undefined && !TERMINAL.has(record.state)) await this.#fail(record, refusal, record.state);
    else if (record.state === 'JOB_STATE_RUNNING') await this.#failAbandoned(record);
    else if (record.state === 'JOB_STATE_QUEUED') {
      const claimed = await this.#update(jobId, (r) => (r.state === 'JOB_STATE_QUEUED' ? { ...r, state: 'JOB_STATE_RUNNING', runner: this.#options.replica } : undefined));
      if (claimed) {
        this.#run(claimed, msg);
        return;
      }
    }
    await msg.ackAck();
  }

  /**
   * Why this replica will not run a record it read from the bucket, if it will not: its folders must be the ones
   * this replica would have given it (the bucket is trusted no further than that).
   */
  #refusal(record: JobRecord): string | undefined {
    const { input } = record;
    const root = this.#root!;
    if (input.trainingRoot !== root) return `This replica reads training data under ${root}, the job under ${input.trainingRoot}: give every replica the same training root.`;
    const staging = MODEL_NAME_PATTERN.test(record.modelName) && input.modelDir === stagingDir(this.#options.registry.root, record.modelName, record.id);
    if (!isWithin(root, input.sourceDir) || !isWithin(root, input.targetDir) || !staging) return 'The job record names folders outside this replica\'s training root or registry; it was not run.';
    return undefined;
  }

  /** The job's runner stopped heartbeating: FAILED with the reason, its staging folder removed. */
  async #failAbandoned(record: JobRecord): Promise<void> {
    const { ackWaitMs } = this.#options.queue;
    await this.#fail(
      record,
      `The replica ${record.runner} running this job stopped without finishing it (no heartbeat within the AckWait of ${ackWaitMs} ms: killed or cut off); the job was not retried, start it again.`,
      'JOB_STATE_RUNNING',
    );
  }

  /** Marks a job that is still in `state` (and with the same runner) FAILED, removes its staging folder and publishes the final event. */
  async #fail(record: JobRecord, error: string, state: JobStateName): Promise<void> {
    const failed = await this.#update(record.id, (r) => (r.state === state && r.runner === record.runner ? { ...r, state: 'JOB_STATE_FAILED', error } : undefined));
    if (!failed) return;
    if (this.#refusal(record) === undefined) await rm(record.input.modelDir, { recursive: true, force: true });
    const last = await this.#lastStep(record.id);
    await this.#publishEvent(record.id, nextEvent(last, record.id, failed.state, { message: error }), 'other');
    this.#options.log?.info('training_ended', { job: record.id, caller: record.owner, state: failed.state, model: record.modelName, error });
  }

  /** The job's last step event, so that a final event written by another replica keeps its stage and step. */
  async #lastStep(jobId: string): Promise<TrainingEventMessage | undefined> {
    const jsm = await jetstreamManager(this.#nc!);
    const msg = await jsm.streams.getMessage(TRAINING_EVENTS_STREAM, { last_by_subj: trainingEventSubject(jobId, 'step') }).catch(() => null);
    return msg ? sim2realV1.TrainingEvent.deserialize(Buffer.from(msg.data)) : undefined;
  }

  #run(record: JobRecord, msg: JsMsg): void {
    const job: RunningJob = { record, msg, process: undefined, stopping: false, last: undefined, samples: 0, published: Promise.resolve(), ended: Promise.resolve() };
    this.#running.set(record.id, job);
    const heartbeat = setInterval(() => {
      job.msg.working();
      // The cancel message is core NATS (at most once): the mirrored flag catches one that was missed.
      if (this.#records.get(record.id)?.record.cancelRequested) this.#stop(job);
    }, Math.max(100, Math.floor(this.#options.queue.ackWaitMs / 3)));
    this.#emit(job, { message: `started on ${this.#options.replica}` });
    const process = new JobProcess(record.input, this.#options.limits, (fields, kind) => this.#emit(job, fields, kind));
    job.process = process;
    if (process.pid !== undefined) {
      this.#options.log?.info('training_started', { job: record.id, caller: record.owner, model: record.modelName, pid: process.pid, replica: this.#options.replica });
    }
    job.ended = process.outcome
      .then((outcome) => this.#end(job, outcome))
      .catch((error: unknown) => this.#options.log?.error('training_end_failed', { job: record.id, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        clearInterval(heartbeat);
        this.#running.delete(record.id);
        const freed = this.#freed;
        this.#freed = deferred();
        freed.resolve();
      });
  }

  #stop(job: RunningJob): void {
    if (job.stopping) return;
    job.stopping = true;
    job.process?.stop();
  }

  async #end(job: RunningJob, outcome: WorkerMessage): Promise<void> {
    const { record } = job;
    const settled = await settleJob(outcome, { id: record.id, modelName: record.modelName, modelDir: record.input.modelDir, stoppedBy: job.process?.stoppedBy }, this.#options.registry, this.#options.log);
    await job.published;
    const ended = await this.#update(record.id, (r) => (TERMINAL.has(r.state) ? undefined : { ...r, state: settled.state, modelVersion: settled.modelVersion, error: settled.error }));
    if (ended) {
      job.record = ended;
      this.#emit(job, { ...settled.fields, modelVersion: settled.modelVersion });
      await job.published;
      this.#options.log?.info('training_ended', { job: record.id, caller: record.owner, state: ended.state, model: ended.modelVersion || ended.modelName, error: ended.error || undefined });
    } else {
      this.#options.log?.warn('training_result_late', { job: record.id, state: settled.state, model: settled.modelVersion || undefined, reason: 'another replica had already ended the job' });
    }
    await job.msg.ackAck();
  }

  /** Publishes a running job's event after the ones before it. */
  #emit(job: RunningJob, fields: Partial<TrainingEventMessage>, kind: EventKind = 'other'): void {
    const message = nextEvent(job.last, job.record.id, job.record.state, fields);
    job.last = message;
    const slot = kind === 'sample' ? job.samples++ : 0;
    job.published = job.published
      .then(() => this.#publishEvent(job.record.id, message, kind, slot))
      .catch((error: unknown) => this.#options.log?.warn('training_event_lost', { job: job.record.id, error: error instanceof Error ? error.message : String(error) }));
  }
}
