import assert from 'node:assert/strict';
import { readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { fromStruct, toStruct } from '@sim2real/contracts';
import type { TrainingEventOut } from '../src/index.js';
import { pngOf, startTestServer, statusOf, tempDir, tinyConfig, writeImageFolder } from './helpers.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
/** The serving thread's nice value before any job starts (the test may itself run under `nice`). */
const startNice = os.getPriority();

let root: string;
let remove: () => Promise<void>;
let running: Awaited<ReturnType<typeof startTestServer>>;
let sourceDir: string;
let targetDir: string;


async function watchAll(jobId: string): Promise<TrainingEventOut[]> {
  const events: TrainingEventOut[] = [];
  for await (const event of running.client.watchTraining(jobId)) events.push(event);
  return events;
}

void before(async () => {
  ({ dir: root, remove } = await tempDir('training'));
  sourceDir = path.join(root, 'data', 'source');
  targetDir = path.join(root, 'data', 'target');
  await writeImageFolder(sourceDir, 4, 16, 1);
  await writeImageFolder(targetDir, 4, 16, 50);
  running = await startTestServer({ registryDir: path.join(root, 'registry'), trainingRoot: path.join(root, 'data') });
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
    assert.ok(events.some((e) => e.trainingStage === 'TRAINING_STAGE_ATTENTION'), 'stage reported');
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
    // The preset field chose the paper's batch of 1 under the default preset's 8.
    assert.equal(fromStruct(info.versions[0]!.config).batchSize, 1);
    assert.equal(info.versions[0]!.labelSet, null, 'trained without labels');
  });

  void test('jobs queue behind the running one, and cancelling keeps the last checkpoint', async () => {
    const first = await running.client.startTraining({ modelName: 'long', sourceUri: sourceDir, targetUri: targetDir, config: tinyConfig(400) });
    const second = await running.client.startTraining({ modelName: 'queued', sourceUri: sourceDir, targetUri: targetDir, config: tinyConfig(3) });
    assert.equal(second.state, 'JOB_STATE_QUEUED');
    assert.equal(second.queuePosition, first.state === 'JOB_STATE_QUEUED' ? 1 : 0);
    const cancelledQueued = await running.client.cancelTraining(second.jobId);
    assert.equal(cancelledQueued.state, 'JOB_STATE_CANCELLED');

    // Serving goes on while the job trains in its own process.
    const events = running.client.watchTraining(first.jobId);
    // Leaving the loop cancels the watch.
    for await (const event of events) {
      if (event.step >= 2) break;
    }
    if (process.platform === 'linux') {
      // Every thread of the job's process runs at nice 10; the serving process keeps the nice value the test was
      // started with.
      const pid = running.logs.find((l) => l.event === 'training_started' && l.job === first.jobId)?.pid as number;
      const nice = async (stat: string): Promise<number> => Number((await readFile(stat, 'utf8')).split(') ')[1]!.split(' ')[16]);
      const tids = await readdir(`/proc/${pid}/task`);
      // A thread may end between readdir and its read: skip those.
      const nices = await Promise.all(tids.map((tid) => nice(`/proc/${pid}/task/${tid}/stat`).catch(() => undefined)));
      assert.deepEqual(new Set(nices.filter((n) => n !== undefined)), new Set([10]));
      assert.equal(await nice(`/proc/self/stat`), startNice);
    }
    const during = await running.client.translate({ requestId: 'during', model: 'fresh', images: [{ data: await pngOf(8, 8) }] });
    assert.equal(during.results.length, 1);

    await running.client.cancelTraining(first.jobId);
    const tail = await watchAll(first.jobId);
    const end = tail.at(-1)!;
    assert.equal(end.state, 'JOB_STATE_CANCELLED');
    assert.match(end.modelVersion, /^long@/, end.message);
    const info = await running.client.getModel(end.modelVersion);
    assert.ok(info.versions[0]!.metrics!.step < 400);
    assert.equal(info.versions[0]!.complete, false, 'a cancelled job publishes a partial version');
    // A partial version is never "latest": only its explicit name@version serves it.
    const notLatest = await statusOf(running.client.translate({ requestId: 'l', model: 'long', images: [{ data: await pngOf(8, 8) }] }));
    assert.equal(notLatest.code, grpc.status.NOT_FOUND);
    assert.match(notLatest.details, /no complete version/);
    const explicit = await running.client.translate({ requestId: 'e', model: end.modelVersion, images: [{ data: await pngOf(8, 8) }] });
    assert.equal(explicit.modelVersion, end.modelVersion);
  });

  void test('a job with source_labels trains label-consistent on class sub-folders', async () => {
    const labelled = path.join(root, 'data', 'labelled');
    await writeImageFolder(path.join(labelled, 'a'), 2, 16, 1);
    await writeImageFolder(path.join(labelled, 'b'), 2, 16, 3);
    const job = await running.client.startTraining({ modelName: 'labelled', sourceUri: labelled, targetUri: targetDir, config: { ...tinyConfig(3), sourceLabels: true } });
    const last = (await watchAll(job.jobId)).at(-1)!;
    assert.equal(last.state, 'JOB_STATE_SUCCEEDED', last.message);
    const version = (await running.client.getModel('labelled')).versions[0]!;
    assert.equal(fromStruct(version.config).labelConsistent, true);
    assert.deepEqual(version.labelSet && { ...version.labelSet, sha256: /^[0-9a-f]{64}$/.test(version.labelSet.sha256) }, { classNames: ['a', 'b'], dimensions: 0, sha256: true });
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
    const badPreset = await statusOf(running.client.startTraining({ modelName: 'x', sourceUri: sourceDir, targetUri: targetDir, config: { preset: 'fast' } }));
    assert.equal(badPreset.code, grpc.status.INVALID_ARGUMENT);
    assert.match(badPreset.details, /preset must be one of 'default', 'faces', 'paper', got "fast"\./);
    const badOverride = await statusOf(
      running.client.startTraining({ modelName: 'x', sourceUri: sourceDir, targetUri: targetDir, config: { overrides: toStruct({ wings: 2 }) } }),
    );
    assert.match(badOverride.details, /"wings" is not a translation option/);
    const unlabelled = await statusOf(running.client.startTraining({ modelName: 'x', sourceUri: sourceDir, targetUri: targetDir, config: { sourceLabels: true } }));
    assert.equal(unlabelled.code, grpc.status.INVALID_ARGUMENT);
    assert.match(unlabelled.details, /^source_labels: .*0\.png has no label: put images in class sub-folders or list them in labels\.jsonl\.$/);
    // A labels file linked from outside the training root is not read (the root is root/data).
    const linked = path.join(root, 'data', 'linked-labels');
    await writeImageFolder(linked, 1, 16, 7);
    await writeFile(path.join(root, 'outside-labels.jsonl'), `${JSON.stringify({ file: '0.png', label: 1 })}\n`);
    await symlink(path.join(root, 'outside-labels.jsonl'), path.join(linked, 'labels.jsonl'));
    const outside = await statusOf(running.client.startTraining({ modelName: 'x', sourceUri: 'linked-labels', targetUri: targetDir, config: { sourceLabels: true } }));
    assert.equal(outside.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(outside.details, 'source_labels: linked-labels: labels.jsonl links to a file outside the folders this may read.');
    const unknown = await statusOf(watchAll('job-nope'));
    assert.equal(unknown.code, grpc.status.NOT_FOUND);
    assert.equal((await statusOf(running.client.cancelTraining('job-nope'))).code, grpc.status.NOT_FOUND);
  });
});
