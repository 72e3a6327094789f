import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeImage, encodePng, heatColor, makeGrid } from '@sim2real/imaging';
import type { GreyImage, RgbImage } from '@sim2real/imaging';
import { parseTrainingLog, splitSampleGrid, writeTrainingReport } from '@sim2real/report';

const SIZE = 8;
const solid = (r: number, g: number, b: number): RgbImage => ({ width: SIZE, height: SIZE, data: new Uint8Array(SIZE * SIZE * 3).map((_, i) => [r, g, b][i % 3]!) });
const grey = (v: number): GreyImage => ({ width: SIZE, height: SIZE, data: new Uint8Array(SIZE * SIZE).fill(v) });

/** A sample grid as the trainer draws it: rows input | G0 | attention | output, `columns` images. */
async function grid(mask: number, columns = 2): Promise<Uint8Array> {
  const row = <T>(image: T): T[] => Array.from({ length: columns }, () => image);
  return encodePng(makeGrid([row(solid(200, 100, 50)), row(solid(10, 20, 30)), row(grey(mask)), row(solid(90, 90, 90))]));
}

const line = (entry: object): string => `${JSON.stringify({ time: '2026-12-07T10:00:00.000Z', ...entry })}\n`;

void test('splitSampleGrid cuts the trainer grid into tiles and draws the mask as heat on the input', async () => {
  const tiles = await splitSampleGrid(await grid(255, 3));
  assert.equal(tiles?.length, 3);
  const tile = tiles[0]!;
  assert.ok(Math.abs(tile.meanAttention - 1) < 1e-9);
  const input = await decodeImage(tile.input);
  assert.deepEqual([...input.data.subarray(0, 3)], [200, 100, 50]);
  const overlay = await decodeImage(tile.overlay);
  const hot = heatColor(1);
  assert.deepEqual([...overlay.data.subarray(0, 3)], [200, 100, 50].map((v, k) => Math.round(v * 0.45 + hot[k]! * 0.55)));
  const cold = await decodeImage((await splitSampleGrid(await grid(0)))![0]!.overlay);
  assert.notDeepEqual([...cold.data.subarray(0, 3)], [...overlay.data.subarray(0, 3)]);
  assert.equal(await splitSampleGrid(await encodePng(solid(1, 2, 3))), undefined, 'an 8 px image is no 4-row grid');
});

void test('parseTrainingLog reads a log being written (a cut last line is skipped)', () => {
  const text = line({ event: 'stage', step: 0, stage: 'g0', stageSteps: 4 }) + line({ event: 'step', step: 1, stage: 'g0', lambda: 0.5, losses: { g_adv: 1 } }) + '{"event":"step","st';
  const log = parseTrainingLog(text);
  assert.deepEqual(log.steps.map((s) => s.step), [1]);
  assert.equal(log.stages[0]?.stageSteps, 4);
  assert.equal(log.done, false);
});

void test('writeTrainingReport: a self-contained page with the config, stages, curves and captioned samples', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim2real-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'samples'));
  let log = line({ event: 'stage', step: 0, stage: 'g0', stageSteps: 2, lambda: 0 });
  for (const step of [1, 2]) log += line({ event: 'step', step, stage: 'g0', lambda: 0.1, learningRate: 1e-4, losses: { g_adv: 1 / step, d: 0.7 } });
  await writeFile(join(dir, 'train-log.jsonl'), log);
  await writeFile(join(dir, 'samples', 'step-000002.png'), await grid(255));

  const path = await writeTrainingReport({ modelDir: dir, config: { imageSize: SIZE, steps: 6, generatorWidth: 4 } });
  let html = await readFile(path, 'utf8');
  assert.match(html, /Training: step 2 of 6 \(running\)/);
  assert.match(html, /http-equiv="refresh"/, 'a running job reloads itself');
  assert.match(html, /<th>generatorWidth<\/th><td><code>4<\/code>/);
  assert.match(html, /data-series="g_adv" data-points="2"/);
  assert.match(html, /data-series="λ" data-points="2"/);
  assert.match(html, /Stage 1 trains G0 alone: there is no attention mask yet/);
  assert.equal([...html.matchAll(/<img src="data:image\/png;base64,/g)].length, 8, '2 images × input, G0, attention, output');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing is fetched from elsewhere');
  assert.doesNotMatch(html, /<script/);

  // later: stage 2 starts, more steps and a sample, the run ends
  log += line({ event: 'stage', step: 2, stage: 'attention', stageSteps: 4, lambda: 0.1 });
  for (const step of [3, 4, 5, 6]) log += line({ event: 'step', step, stage: 'attention', lambda: 0.1 * step, losses: { g_adv: 1 / step, d: 0.6 } });
  await writeFile(join(dir, 'train-log.jsonl'), `${log}${line({ event: 'done', steps: 6 })}`);
  await writeFile(join(dir, 'samples', 'step-000006.png'), await grid(64));
  html = await readFile(await writeTrainingReport({ modelDir: dir, config: { steps: 6 } }), 'utf8');
  assert.match(html, /Trained: step 6 of 6 \(finished\)/);
  assert.doesNotMatch(html, /http-equiv="refresh"/);
  assert.match(html, /data-series="g_adv" data-points="6"/);
  assert.deepEqual([...html.matchAll(/<h3>step (\d+) · ([^<]+)<\/h3>/g)].map((m) => [m[1], m[2]]), [['6', 'stage 2 · attention'], ['2', 'stage 1 · G0']]);
  assert.match(html, /mean 0\.25/);
});

void test('writeTrainingReport refuses a folder without a training log, in one sentence', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sim2real-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(writeTrainingReport({ modelDir: dir }), { name: 'ReportError', message: /holds no train-log\.jsonl/ });
});
