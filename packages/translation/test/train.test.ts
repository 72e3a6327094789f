import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { encodePng, fromModelOutput, makeGrid, maskToGrey } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import { type TrainingEvent, TrainingCancelledError, loadTranslator, readModelManifest, train } from '../src/index.js';
import { readCheckpointParts } from '../src/trainer-state.js';
import { VGG_DIR, setupBackend, tempDir, testImages, tinyConfig } from './helpers.js';

before(setupBackend);

void test('three stages: cancel writes a checkpoint, resume continues, the result loads and matches the samples', async () => {
  const source = await testImages(5, 0);
  const target = await testImages(5, 50);
  const modelDir = await tempDir();
  // steps 5 → g0 2, attention 1 (+1 with rounding: 0.4·5=2, 0.7·5=3.5→4 → attention 2), joint 1
  const config = tinyConfig({ steps: 5, sampleEverySteps: 2, checkpointEverySteps: 100, logEverySteps: 1, lambda: { intervalSteps: 1, step: 1e-6 } });
  const controller = new AbortController();
  const events: TrainingEvent[] = [];
  const tensorsAtStep = new Map<number, number>();
  const onEvent = (e: TrainingEvent): void => {
    events.push(e);
    if (e.kind === 'step') tensorsAtStep.set(e.step, tf.memory().numTensors);
    if (e.kind === 'step' && e.step === 3) controller.abort();
  };
  await assert.rejects(train({ source, target, modelDir, config, vggDir: VGG_DIR, signal: controller.signal, onEvent }), (error: unknown) => {
    assert.ok(error instanceof TrainingCancelledError);
    assert.equal(error.step, 3);
    return true;
  });
  // tensors do not grow from step to step within a stage (g0: steps 1, 2)
  assert.equal(tensorsAtStep.get(2), tensorsAtStep.get(1));
  const cancelled = await readModelManifest(modelDir);
  assert.equal(cancelled.step, 3);
  assert.equal(cancelled.stage, 'attention');
  assert.equal(cancelled.complete, false);
  assert.equal(cancelled.degraded, false);
  for (const e of events.filter((ev) => ev.kind === 'step')) {
    for (const value of Object.values(e.losses)) assert.ok(Number.isFinite(value));
  }

  const resumedEvents: TrainingEvent[] = [];
  const result = await train({ source, target, modelDir, config, vggDir: VGG_DIR, resume: true, onEvent: (e) => resumedEvents.push(e) });
  assert.deepEqual(
    resumedEvents.filter((e) => e.kind === 'step').map((e) => [e.step, e.stage]),
    [
      [4, 'attention'],
      [5, 'joint'],
    ],
  );
  assert.equal(result.steps, 5);
  assert.equal(result.stage, 'joint');
  assert.ok(resumedEvents.some((e) => e.kind === 'done'));

  const manifest = await readModelManifest(modelDir);
  assert.equal(manifest.complete, true);
  assert.equal(manifest.hasAttention, true);
  assert.equal(manifest.backend, tf.getBackend());
  const entries = await readdir(modelDir);
  assert.deepEqual(entries.filter((e) => e.startsWith('ckpt-') || e.startsWith('.tmp')), [manifest.checkpoint]);
  assert.deepEqual((await readdir(join(modelDir, manifest.checkpoint))).sort(), ['attention', 'discriminator', 'g0', 'trainer']);
  assert.deepEqual((await readdir(join(modelDir, 'samples'))).sort(), ['step-000002.png', 'step-000004.png', 'step-000005.png']);
  const log = (await readFile(join(modelDir, 'train-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: string; step: number; lambda?: number });
  assert.deepEqual(
    log.filter((l) => l.event === 'step').map((l) => l.step),
    [1, 2, 3, 4, 5],
  );
  assert.ok(log.every((l) => l.event !== 'step' || typeof l.lambda === 'number'));
  // the trainer keeps report.html current: after the run it shows the last step, finished, with every sample step
  const report = await readFile(join(modelDir, 'report.html'), 'utf8');
  assert.match(report, /Trained: step 5 of 5 \(finished\)/);
  assert.deepEqual([...report.matchAll(/<h3>step (\d+)/g)].map((m) => Number(m[1])), [5, 4, 2]);

  // the loaded translator reproduces the trainer's last sample grid exactly
  const translator = await loadTranslator(modelDir);
  const x = source.batch([0, 1, 2, 3]);
  const out = translator.translate(x);
  const png = await encodePng(makeGrid([fromModelOutput(x), fromModelOutput(out.initial), maskToGrey(out.attention), fromModelOutput(out.output)]));
  assert.deepEqual(png, new Uint8Array(await readFile(join(modelDir, 'samples', 'step-000005.png'))));
  tf.dispose([x, out.output, out.initial, out.attention]);
  translator.dispose();
});

void test('without attention and without VGG weights: G0 only, degraded mode announced', async () => {
  const source = await testImages(3, 0);
  const target = await testImages(3, 9);
  const modelDir = await tempDir();
  const events: TrainingEvent[] = [];
  const config = tinyConfig({ attention: false, steps: 2, sampleEverySteps: 5 });
  const result = await train({ source, target, modelDir, config, onEvent: (e) => events.push(e) });
  assert.equal(result.degraded, true);
  const warning = events.find((e) => e.kind === 'warning');
  assert.match(warning?.message ?? '', /DEGRADED MODE/);
  const manifest = await readModelManifest(modelDir);
  assert.equal(manifest.hasAttention, false);
  assert.equal(manifest.degraded, true);
  assert.ok(manifest.degradedReasons.length > 0);
  const translator = await loadTranslator(modelDir);
  assert.equal(translator.hasAttention, false);
  const x = source.batch([0]);
  const out = translator.translate(x);
  assert.equal(tf.min(out.attention).dataSync()[0], 1);
  assert.deepEqual(out.output.dataSync(), out.initial.dataSync());
  tf.dispose([x, out.output, out.initial, out.attention]);
  translator.dispose();
});

/** The discriminator's trainable weights in the model folder's latest checkpoint. */
async function discriminatorWeights(modelDir: string): Promise<Float32Array[]> {
  const manifest = await readModelManifest(modelDir);
  const parts = await readCheckpointParts(join(modelDir, manifest.checkpoint), manifest.hasAttention);
  const weights = parts.discriminator.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  for (const model of [parts.g0, parts.attention, parts.discriminator]) model?.dispose();
  return weights;
}

for (const scale of [0, 0.5]) {
  void test(`refinementDiscriminatorRateScale ${scale}: D ${scale === 0 ? 'stays as the G0 stage left it' : 'keeps training'} in the attention and joint stages`, async () => {
    const source = await testImages(4, 0);
    const target = await testImages(4, 30);
    const modelDir = await tempDir();
    // steps 5 → g0 2, attention 2, joint 1; cancelling before step 3 checkpoints the end of the G0 stage
    const config = tinyConfig({ steps: 5, sampleEverySteps: 100, checkpointEverySteps: 100, refinementDiscriminatorRateScale: scale });
    const controller = new AbortController();
    const onEvent = (e: TrainingEvent): void => {
      if (e.kind === 'step' && e.step === 2) controller.abort();
    };
    await assert.rejects(train({ source, target, modelDir, config, vggDir: VGG_DIR, signal: controller.signal, onEvent }), TrainingCancelledError);
    const afterG0 = await discriminatorWeights(modelDir);
    const result = await train({ source, target, modelDir, config, vggDir: VGG_DIR, resume: true });
    assert.equal(result.stage, 'joint');
    const afterJoint = await discriminatorWeights(modelDir);
    const unchanged = afterG0.every((w, i) => w.every((v, j) => v === afterJoint[i]![j]));
    assert.equal(unchanged, scale === 0);
  });
}

void test('image sets of the wrong size are refused', async () => {
  const source = await testImages(2, 0, 8);
  await assert.rejects(train({ source, target: source, modelDir: await tempDir(), config: tinyConfig({ steps: 3 }) }), { name: 'ConfigError' });
});
