import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { TrainingEventOut } from '../src/index.js';
import { TINY_MODEL, pngOf, startTestServer, statusOf, tempDir, writeImageFolder } from './helpers.js';
import type { RunningServer } from './helpers.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
/** The serving thread's nice value before any job starts (the test may itself run under `nice`). */
const startNice = os.getPriority();

let root: string;
let remove: () => Promise<void>;
let running: RunningServer;
let sourceDir: string;
let targetDir: string;

/** The proto TrainingConfig of TINY_MODEL (knobs without a proto field go through `overrides`). */
const tinyConfig = (steps: number) => ({
  imageSize: TINY_MODEL.imageSize,
  steps,
  generatorWidth: TINY_MODEL.generatorWidth,
  residualBlocks: TINY_MODEL.residualBlocks,
  overrides: {
    attentionWidth: String(TINY_MODEL.attentionWidth),
    discriminatorWidth: String(TINY_MODEL.discriminatorWidth),
    discriminatorDownsamplings: String(TINY_MODEL.discriminatorDownsamplings),
    historyPoolSize: String(TINY_MODEL.historyPoolSize),
  },
});

async function watchAll(jobId: string): Promise<TrainingEventOut[]> {
  const events: TrainingEventOut[] = [];
  for await (const event of running.client.watchTraining(jobId)) events.push(event as TrainingEventOut);
  return events;
}

void before(async () => {
  ({ dir: root, remove } = await tempDir('training'));
  sourceDir = path.join(root, 'data', 'source');
  targetDir = path.join(root, 'data', 'target');
  await writeImageFolder(sourceDir, 4, 16, 1);
  await writeImageFolder(targetDir, 4, 16, 50);
  running = await startTestServer({ registryDir: path.join(root, 'registry') });
});

void after(async () => {
  await running.close();
  await remove();
});

void describe('training jobs', () => {
  void test('a job watched to completion yields a new version that Translate then uses', async () => {
    const job = await running.client.startTraining({ modelName: 'fresh', sourceUri: sourceDir, targetUri: `file://${targetDir}`, config: tinyConfig(3), sampleEverySteps: 1 });
    assert.match(job.jobId, /^job-/);
    assert.ok(['JOB_STATE_QUEUED', 'JOB_STATE_RUNNING'].includes(job.state));
    const events = await watchAll(job.jobId);
    const last = events.at(-1)!;
    assert.equal(last.state, 'JOB_STATE_SUCCEEDED', JSON.stringify(events.map((e) => e.message)));
    assert.match(last.modelVersion, /^fresh@\d{8}T\d{6}Z$/);
    assert.ok(events.some((e) => e.step === 3 && e.totalSteps === 3 && Object.keys(e.losses).length > 0), 'step events with losses');
    assert.ok(events.some((e) => e.stage === 'attention'), 'stage reported');
    const sample = events.find((e) => e.sampleGrid !== null);
    assert.ok(sample && Buffer.from(sample.sampleGrid!.data.subarray(0, 4)).equals(PNG_SIGNATURE), 'sample grids are PNG');

    const replay = await watchAll(job.jobId);
    assert.deepEqual(
      replay.map((e) => e.state),
      events.map((e) => e.state),
      'a later watch replays the events',
    );

    const response = await running.client.translate({ requestId: 'r', model: 'fresh', images: [{ data: await pngOf(12, 10) }] });
    assert.equal(response.modelVersion, last.modelVersion);
    assert.equal(response.results[0]?.image?.width, 12);
    const info = await running.client.getModel('fresh');
    assert.equal(info.versions.length, 1);
  });

  void test('jobs queue behind the running one, and cancelling keeps the last checkpoint', async () => {
    const first = await running.client.startTraining({ modelName: 'long', sourceUri: sourceDir, targetUri: targetDir, config: tinyConfig(400) });
    const second = await running.client.startTraining({ modelName: 'queued', sourceUri: sourceDir, targetUri: targetDir, config: tinyConfig(3) });
    assert.equal(second.state, 'JOB_STATE_QUEUED');
    assert.equal(second.queuePosition, first.state === 'JOB_STATE_QUEUED' ? 1 : 0);
    const cancelledQueued = await running.client.cancelTraining(second.jobId);
    assert.equal(cancelledQueued.state, 'JOB_STATE_CANCELLED');

    // Serving goes on while the job trains in its worker thread.
    const events = running.client.watchTraining(first.jobId);
    for await (const event of events) {
      if ((event as TrainingEventOut).step >= 2) break;
    }
    events.cancel();
    if (process.platform === 'linux') {
      // Nice values are per thread on Linux: the training thread runs at 10, the serving thread keeps the
      // nice value the test was started with.
      const nice = async (tid: string): Promise<number> => Number((await readFile(`/proc/self/task/${tid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[16]);
      const tids = await readdir('/proc/self/task');
      assert.equal(await nice(String(process.pid)), startNice);
      // A thread may end between readdir and its read (inference workers come and go): skip those.
      assert.ok((await Promise.all(tids.map((tid) => nice(tid).catch(() => undefined)))).includes(10), 'one thread runs at nice 10');
    }
    const during = await running.client.translate({ requestId: 'during', model: 'fresh', images: [{ data: await pngOf(8, 8) }] });
    assert.equal(during.results.length, 1);

    await running.client.cancelTraining(first.jobId);
    const tail = await watchAll(first.jobId);
    const end = tail.at(-1)!;
    assert.equal(end.state, 'JOB_STATE_CANCELLED');
    assert.match(end.modelVersion, /^long@/, end.message);
    const info = await running.client.getModel(end.modelVersion);
    assert.ok((JSON.parse(info.versions[0]!.metricsJson) as { step: number }).step < 400);
  });

  void test('bad training requests get INVALID_ARGUMENT or NOT_FOUND', async () => {
    const missing = await statusOf(running.client.startTraining({ modelName: 'x', sourceUri: path.join(root, 'nope'), targetUri: targetDir }));
    assert.equal(missing.code, grpc.status.INVALID_ARGUMENT);
    assert.match(missing.details, /source_uri .* is not a folder/);
    const badName = await statusOf(running.client.startTraining({ modelName: '../x', sourceUri: sourceDir, targetUri: targetDir }));
    assert.equal(badName.code, grpc.status.INVALID_ARGUMENT);
    const badConfig = await statusOf(running.client.startTraining({ modelName: 'x', sourceUri: sourceDir, targetUri: targetDir, config: { imageSize: 18 } }));
    assert.equal(badConfig.code, grpc.status.INVALID_ARGUMENT);
    assert.match(badConfig.details, /imageSize/);
    const badOverride = await statusOf(
      running.client.startTraining({ modelName: 'x', sourceUri: sourceDir, targetUri: targetDir, config: { overrides: { wings: '2' } } }),
    );
    assert.match(badOverride.details, /"wings" is not a translation option/);
    const unknown = await statusOf(watchAll('job-nope'));
    assert.equal(unknown.code, grpc.status.NOT_FOUND);
    assert.equal((await statusOf(running.client.cancelTraining('job-nope'))).code, grpc.status.NOT_FOUND);
  });
});
