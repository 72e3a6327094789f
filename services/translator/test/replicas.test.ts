/*
 * Two translator processes on one registry folder and one NATS server share their training jobs: any replica
 * answers Watch and Cancel, one replica runs each job, and a job whose replica is SIGKILLed ends FAILED.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { startTranslatorProcess } from '@sim2real/client/testing';
import type { TranslatorProcess } from '@sim2real/client/testing';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { type NatsServerHandle, TRAINING_JOBS_BUCKET, TRAINING_QUEUE_SUBJECT, startNatsServer } from '@sim2real/messaging';
import type { TrainingEventOut } from '../src/index.js';
import { statusOf, tempDir, tinyConfig, writeImageFolder, writeTokensFile } from './helpers.js';

const TOKENS = { trainer: 'tok-train-1', trainer2: 'tok-train-2' } as const;
type Principal = keyof typeof TOKENS;
/** Short, so that a killed runner's job is settled within the test; heartbeats go every third of it. */
const ACK_WAIT_MS = 2000;

interface Replica {
  process: TranslatorProcess;
  /** Its JSON log lines since it started serving. */
  logs: Record<string, unknown>[];
  client(principal: Principal): TranslatorClient;
}

let nats: NatsServerHandle;
let root: string;
let remove: () => Promise<void>;
let a: Replica;
let b: Replica;
/** The replicas that started, for `after` to stop. */
const replicas: Replica[] = [];
const clients: TranslatorClient[] = [];

function logLines(child: ChildProcess): Record<string, unknown>[] {
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  return logs;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const process = await startTranslatorProcess(env);
  const logs = logLines(process.child);
  const made = new Map<Principal, TranslatorClient>();
  return {
    process,
    logs,
    client(principal) {
      let c = made.get(principal);
      if (!c) {
        c = createTranslatorClient(process.address, { token: TOKENS[principal] });
        made.set(principal, c);
        clients.push(c);
      }
      return c;
    },
  };
}

async function watchAll(replica: Replica, jobId: string): Promise<TrainingEventOut[]> {
  const events: TrainingEventOut[] = [];
  for await (const event of replica.client('trainer').watchTraining(jobId)) events.push(event);
  return events;
}

/** Follows the job through `replica` until it has trained `step` steps. */
async function untilStep(replica: Replica, jobId: string, step: number): Promise<void> {
  for await (const event of replica.client('trainer').watchTraining(jobId)) if (event.step >= step) return;
  assert.fail(`job ${jobId} ended before step ${step}`);
}

/** The replica whose log says it started the job's process. */
async function runnerOf(jobId: string): Promise<{ runner: Replica; other: Replica }> {
  for (;;) {
    for (const [runner, other] of [[a, b], [b, a]] as const) {
      if (runner.logs.some((l) => l.event === 'training_started' && l.job === jobId)) return { runner, other };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

void before(async () => {
  nats = await startNatsServer();
  ({ dir: root, remove } = await tempDir('replicas'));
  const data = path.join(root, 'data');
  await writeImageFolder(path.join(data, 'source'), 4, 16, 1);
  await writeImageFolder(path.join(data, 'target'), 4, 16, 50);
  const tokensFile = path.join(root, 'tokens.json');
  await writeTokensFile(tokensFile, TOKENS);
  const env = {
    REGISTRY_DIR: path.join(root, 'registry'),
    SIM2REAL_TRAINING_ROOT: data,
    SIM2REAL_AUTH_TOKENS: tokensFile,
    SIM2REAL_NATS_URL: nats.url,
    TRAINING_ACK_WAIT_MS: String(ACK_WAIT_MS),
    REGISTRY_RESCAN_MS: '0',
  };
  // Both at once, as a rollout starts them; the one that started is stopped by `after` even if the other failed.
  const started = await Promise.allSettled([startReplica(env), startReplica(env)]);
  replicas.push(...started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  [a, b] = replicas as [Replica, Replica];
});

void after(async () => {
  for (const c of clients) c.close();
  await Promise.all(replicas.map((r) => r.process.stop()));
  await nats?.close();
  await remove?.();
});

void describe('training jobs shared by two replicas through NATS', () => {
  void test('a job started on A is watched and cancelled through B, by its owner only', async () => {
    const job = await a.client('trainer').startTraining({ modelName: 'long', sourceUri: 'source', targetUri: 'target', config: tinyConfig(400) });
    await untilStep(b, job.jobId, 1);
    const foreign = await statusOf(b.client('trainer2').cancelTraining(job.jobId));
    assert.equal(foreign.code, grpc.status.PERMISSION_DENIED);
    assert.equal((await statusOf(watchAll({ ...b, client: () => b.client('trainer2') }, job.jobId))).code, grpc.status.PERMISSION_DENIED);
    await b.client('trainer').cancelTraining(job.jobId);
    const events = await watchAll(b, job.jobId);
    const end = events.at(-1)!;
    assert.equal(end.state, 'JOB_STATE_CANCELLED', end.message);
    assert.match(end.modelVersion, /^long@\d{8}T\d{6}Z$/, 'the last checkpoint is published');
    assert.ok(events.some((e) => e.step >= 1 && Object.keys(e.losses).length > 0), 'B replays the step events of the job');
    const version = await a.client('trainer').getModel(end.modelVersion);
    assert.equal(version.versions[0]!.complete, false);
    const started = [...a.logs, ...b.logs].filter((l) => l.event === 'training_started' && l.job === job.jobId);
    assert.equal(started.length, 1, 'one replica ran the job');
  });

  void test('jobs started at once on both replicas each run once and get distinct versions', async () => {
    const jobs = await Promise.all([a, b].map((r) => r.client('trainer').startTraining({ modelName: 'twin', sourceUri: 'source', targetUri: 'target', config: tinyConfig(3) })));
    const ends = await Promise.all(jobs.map(async (job, i) => (await watchAll(i === 0 ? b : a, job.jobId)).at(-1)!));
    for (const end of ends) assert.equal(end.state, 'JOB_STATE_SUCCEEDED', end.message);
    assert.notEqual(ends[0]!.modelVersion, ends[1]!.modelVersion);
    const info = await a.client('trainer').getModel('twin');
    assert.deepEqual(info.versions.map((v) => `twin@${v.version}`).sort(), ends.map((e) => e.modelVersion).sort());
    for (const job of jobs) {
      assert.equal([...a.logs, ...b.logs].filter((l) => l.event === 'training_started' && l.job === job.jobId).length, 1, `${job.jobId} ran once`);
    }
  });

  void test('a record forged in the bucket that points outside the training root is failed, not run', async () => {
    const nc = await connect({ servers: nats.url });
    try {
      const js = jetstream(nc);
      const kv = await new Kvm(js).open(TRAINING_JOBS_BUCKET);
      const id = 'job-forged';
      const modelDir = path.join(root, 'registry', 'forged', `.training-${id}`);
      const input = { sourceDir: '/etc', targetDir: path.join(root, 'data', 'target'), trainingRoot: path.join(root, 'data'), modelDir, options: {}, backend: 'auto', nice: 10 };
      const record = { id, owner: 'trainer', modelName: 'forged', state: 'JOB_STATE_QUEUED', createdAt: new Date().toISOString(), input, modelVersion: '', error: '', runner: '', cancelRequested: false };
      await kv.create(id, JSON.stringify(record));
      await js.publish(TRAINING_QUEUE_SUBJECT, id);
    } finally {
      await nc.close();
    }
    const end = (await watchAll(a, 'job-forged')).at(-1)!;
    assert.equal(end.state, 'JOB_STATE_FAILED');
    assert.match(end.message, /names folders outside this replica's training root/);
    assert.ok(![...a.logs, ...b.logs].some((l) => l.event === 'training_started' && l.job === 'job-forged'), 'no process was started');
  });

  void test('when the replica running a job is SIGKILLed, the other marks it FAILED with the reason', async () => {
    const job = await a.client('trainer').startTraining({ modelName: 'orphan', sourceUri: 'source', targetUri: 'target', config: tinyConfig(900) });
    const { runner, other } = await runnerOf(job.jobId);
    await untilStep(other, job.jobId, 1);
    runner.process.child.kill('SIGKILL');
    const events = await watchAll(other, job.jobId);
    const end = events.at(-1)!;
    assert.equal(end.state, 'JOB_STATE_FAILED');
    assert.match(end.message, /stopped without finishing it \(no heartbeat within the AckWait of 2000 ms/);
    assert.ok(end.step >= 1, 'the final event keeps the last step');
    assert.equal((await statusOf(other.client('trainer').getModel('orphan'))).code, grpc.status.NOT_FOUND, 'nothing was published');
    const after = await other.client('trainer').cancelTraining(job.jobId);
    assert.equal(after.state, 'JOB_STATE_FAILED');
    assert.match(after.error?.message ?? '', /stopped without finishing it/);
  });
});
