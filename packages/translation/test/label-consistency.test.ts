import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { type SourceLabels, trainDigitClassifier } from '@sim2real/datasets';
import { type ImageSet, type RgbImage, fromModelOutput, imageSetFromImages } from '@sim2real/imaging';
import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import { ConfigError, type TrainingEvent, TrainingCancelledError, loadTranslator, readModelManifest, train } from '../src/index.js';
import { setupBackend, tempDir, testImages, tinyConfig } from './helpers.js';

before(setupBackend);

const SIZE = 16;
type Rgb = readonly [number, number, number];

/** A 16 px bar (horizontal or vertical, 3 px wide, at a random place) of colour `bar` on black, with pixel noise. */
function barImage(random: SeededRandom, bar: Rgb): RgbImage {
  const horizontal = random.int(2) === 0;
  const at = 3 + random.int(SIZE - 6);
  const data = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const on = Math.abs((horizontal ? y : x) - at) <= 1;
      for (let c = 0; c < 3; c++) data[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, (on ? bar[c]! : 0) + random.int(31) - 15));
    }
  }
  return { width: SIZE, height: SIZE, data };
}

/**
 * Two classes told apart by colour alone, red bars and blue bars, translated towards green bars: a translator
 * that only has to look like the target maps both classes to green, and nothing in its losses stops it.
 */
async function colourClasses(count: number): Promise<{ source: ImageSet; target: ImageSet; labels: SourceLabels & { kind: 'class' } }> {
  const random = new SeededRandom(5);
  const indices = Array.from({ length: count }, (_, i) => i % 2);
  const colours: Rgb[] = [
    [230, 40, 40],
    [40, 40, 230],
  ];
  const source = await imageSetFromImages(
    indices.map((c) => barImage(random, colours[c]!)),
    SIZE,
  );
  const target = await imageSetFromImages(
    indices.map(() => barImage(random, [40, 230, 40])),
    SIZE,
  );
  return { source, target, labels: { kind: 'class', indices, classNames: ['red', 'blue'] } };
}

/** G(x) of every image of `source` through the saved model, as RGB8. */
async function translateAll(modelDir: string, source: ImageSet): Promise<ImageSet> {
  const translator = await loadTranslator(modelDir);
  try {
    const x = source.batch(Array.from({ length: source.count }, (_, i) => i));
    const { output, initial, attention } = translator.translate(x);
    const images = fromModelOutput(output);
    tf.dispose([x, output, initial, attention]);
    return imageSetFromImages(images, SIZE);
  } finally {
    translator.dispose();
  }
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

void test('the task loss falls on a tiny run, for class labels and for vector labels; the manifest records the label set', async () => {
  const { source, target, labels } = await colourClasses(16);
  const vectors: SourceLabels = { kind: 'vector', values: labels.indices.map((c) => [c === 0 ? 1 : -1, 0.5]) };
  for (const sourceLabels of [labels, vectors]) {
    const modelDir = await tempDir();
    const taskLosses: number[] = [];
    const semantic: number[] = [];
    const onEvent = (event: TrainingEvent): void => {
      if (event.kind !== 'step') return;
      taskLosses.push(event.losses.task!);
      semantic.push(event.losses.g_task!);
    };
    await train({ source, target, modelDir, sourceLabels, onEvent, config: tinyConfig({ steps: 40, batchSize: 4, attention: false, labelConsistent: true }) });
    assert.equal(taskLosses.length, 40);
    assert.ok(semantic.every(Number.isFinite));
    const first = mean(taskLosses.slice(0, 5));
    const last = mean(taskLosses.slice(-5));
    assert.ok(last < first / 2, `${sourceLabels.kind}: the task loss went from ${first} to ${last}`);

    const manifest = await readModelManifest(modelDir);
    assert.equal(manifest.config.labelConsistent, true);
    const record = manifest.labelConsistency!;
    assert.match(record.sha256, /^[0-9a-f]{64}$/);
    if (record.kind === 'class') assert.deepEqual([record.classCount, record.classNames], [2, ['red', 'blue']]);
    else assert.equal(record.dimensions, 2);
    assert.ok((await readdir(join(modelDir, manifest.checkpoint))).includes('task'), 'the checkpoint keeps the task network for a resume');
  }
});

void test('a translator trained label-consistent keeps the labels that one trained without loses, as a classifier trained apart reads them', async () => {
  const { source, target, labels } = await colourClasses(32);
  // The classifier trained apart: on the labelled source alone, never seeing a translation.
  const classifier = await trainDigitClassifier(source, labels.indices, { steps: 60, seed: 3 });
  try {
    assert.equal(classifier.accuracy(source, labels.indices), 1);
    const preservation: Record<string, number> = {};
    for (const labelConsistent of [false, true]) {
      const modelDir = await tempDir();
      // G0 alone: the stage where the translation may change content most (the attention mask keeps parts of x).
      const config = tinyConfig({ steps: 150, batchSize: 4, seed: 5, attention: false, labelConsistent });
      await train({ source, target, modelDir, config, sourceLabels: labelConsistent ? labels : undefined });
      preservation[String(labelConsistent)] = classifier.accuracy(await translateAll(modelDir, source), labels.indices);
    }
    // Without labels the colour is lost on this seed and with them it is kept, each with room to spare.
    assert.ok(preservation.false! <= 0.65, `without labels the translator kept ${preservation.false} of the labels: the check would not tell`);
    assert.ok(preservation.true! >= 0.85, `label-consistent, the translator kept only ${preservation.true} of the labels`);
  } finally {
    classifier.dispose();
  }
});

void test('a label-consistent run resumes with its task network, and only with the labels it was trained on', async () => {
  const { source, target, labels } = await colourClasses(8);
  const modelDir = await tempDir();
  const config = tinyConfig({ steps: 6, batchSize: 2, attention: false, labelConsistent: true, checkpointEverySteps: 100 });
  const controller = new AbortController();
  const cancel = (event: TrainingEvent): void => {
    if (event.kind === 'step' && event.step === 3) controller.abort();
  };
  await assert.rejects(train({ source, target, modelDir, config, sourceLabels: labels, signal: controller.signal, onEvent: cancel }), TrainingCancelledError);
  const cancelled = await readModelManifest(modelDir);
  assert.ok((await readdir(join(modelDir, cancelled.checkpoint, 'trainer'))).includes('optimizer-task.json'), "the task network's Adam state is kept");
  const flipped = { ...labels, indices: labels.indices.map((c) => 1 - c) };
  await assert.rejects(train({ source, target, modelDir, config, sourceLabels: flipped, resume: true }), (error: unknown) => error instanceof ConfigError && /differ from those the model was trained on/.test(error.message));
  const steps: number[] = [];
  const result = await train({ source, target, modelDir, config, sourceLabels: labels, resume: true, onEvent: (e) => e.kind === 'step' && steps.push(e.step) });
  assert.deepEqual(steps, [4, 5, 6]);
  assert.equal(result.steps, 6);
  assert.deepEqual((await readModelManifest(modelDir)).labelConsistency, cancelled.labelConsistency);
});

void test('labels are refused with one sentence when they do not fit the run', async () => {
  const source = await testImages(4, 0);
  const target = await testImages(4, 50);
  const modelDir = await tempDir();
  const labels: SourceLabels = { kind: 'class', indices: [0, 1, 0, 1], classNames: ['a', 'b'] };
  const cases: [string, Parameters<typeof train>[0]][] = [
    ['no labels for a label-consistent run', { source, target, modelDir, config: tinyConfig({ steps: 3, labelConsistent: true }) }],
    ['labels for an unsupervised run', { source, target, modelDir, config: tinyConfig({ steps: 3 }), sourceLabels: labels }],
    ['three labels for four images', { source, target, modelDir, config: tinyConfig({ steps: 3, labelConsistent: true }), sourceLabels: { ...labels, indices: [0, 1, 0] } }],
    ['a class index past the names', { source, target, modelDir, config: tinyConfig({ steps: 3, labelConsistent: true }), sourceLabels: { ...labels, indices: [0, 1, 2, 0] } }],
  ];
  for (const [what, request] of cases) {
    await assert.rejects(train(request), (error: unknown) => error instanceof ConfigError && error.field === 'sourceLabels' && /\.$/.test(error.message), what);
  }
});
