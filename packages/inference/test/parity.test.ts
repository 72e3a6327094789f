import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImage, toModelValues } from '@sim2real/imaging';
import { DEFAULT_MAPPERS, exportOnnx } from '@sim2real/onnx-export';
import type { TranslationOptions } from '@sim2real/translation';
import { trainTinyModel } from '@sim2real/translation/testing';
import { SeededRandom } from '@sim2real/random';
import { loadEngine } from '../src/index.ts';
import type { EngineOutputs, InferenceEngine } from '../src/index.ts';
import { maxAbsDiff, randomiseWeights, spread } from './helpers.ts';

const PHOTOS = fileURLToPath(new URL('../../../../shared/data/photos', import.meta.url));
const TOLERANCE = 1e-4;

const VARIANTS: Record<string, TranslationOptions> = {
  'attention, transposed upsampling, dilation 2, 16 px': { imageSize: 16, upsampling: 'transposed', dilation: 2 },
  'no attention, resize upsampling, dilation 1, 32 px': { imageSize: 32, upsampling: 'resize', dilation: 1, attention: false },
  'attention, noise input, resize upsampling, dilation 2, 16 px': { imageSize: 16, upsampling: 'resize', dilation: 2, noiseSize: 2 },
  'no attention, noise input, transposed upsampling, dilation 1, 32 px': { imageSize: 32, upsampling: 'transposed', dilation: 1, noiseSize: 2, attention: false },
};

const root = await mkdtemp(path.join(os.tmpdir(), 'sim2real-parity-'));
after(() => rm(root, { recursive: true, force: true }));

function randomBatch(count: number, size: number, seed: number): Float32Array {
  const random = SeededRandom.fromSeeds(seed, count, size);
  return Float32Array.from({ length: count * size * size * 3 }, () => random.uniform(-1, 1));
}

async function photoBatch(count: number, size: number): Promise<Float32Array> {
  const names = ['astronaut.png', 'chelsea.png', 'coffee.png'].slice(0, count);
  const images = await Promise.all(names.map(async (n) => decodeImage(await readFile(path.join(PHOTOS, n)), { name: n })));
  return toModelValues(images, size);
}

function worstDiff(a: EngineOutputs, b: EngineOutputs): Record<keyof EngineOutputs, number> {
  return { output: maxAbsDiff(a.output, b.output), initial: maxAbsDiff(a.initial, b.initial), attention: maxAbsDiff(a.attention, b.attention) };
}

async function trainedVersion(name: string, options: TranslationOptions, seed: number): Promise<string> {
  const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, '-'));
  await trainTinyModel(dir, options);
  await randomiseWeights(dir, seed);
  return dir;
}

describe('ONNX export: onnxruntime-node against tfjs', () => {
  for (const [seed, [name, options]] of Object.entries(VARIANTS).entries()) {
    test(name, async () => {
      const dir = await trainedVersion(name, options, seed);
      await exportOnnx(dir);
      const onnx = await loadEngine(dir, { engine: 'onnx', threads: 1 });
      const tfjs = await loadEngine(dir, { engine: 'tfjs' });
      try {
        assert.equal(onnx.info.kind, 'onnx');
        const size = onnx.imageSize;
        for (const count of [1, 3]) {
          for (const [kind, input] of [['random', randomBatch(count, size, seed)], ['photos', await photoBatch(count, size)]] as const) {
            const [a, b] = [await onnx.run(input, count), await tfjs.run(input, count)];
            const diff = worstDiff(a, b);
            const where = `${kind} batch ${count}: ${JSON.stringify(diff)}`;
            assert.ok(Math.max(diff.output, diff.initial, diff.attention) <= TOLERANCE, where);
            // The comparison means something only if the outputs vary.
            assert.ok(spread(b.initial) > 0.05, `G0 output barely varies (${spread(b.initial)}): ${where}`);
            if (options.attention !== false) assert.ok(spread(b.attention) > 0.01, `attention barely varies: ${where}`);
            else assert.ok(b.attention.every((v) => v === 1) && a.attention.every((v) => v === 1), 'the mask is all ones without attention');
          }
        }
        if (options.noiseSize) {
          const input = randomBatch(2, size, 99);
          const [d0, d1] = [await onnx.run(input, 2, 0), await onnx.run(input, 2, 1)];
          assert.ok(maxAbsDiff(d0.initial, d1.initial) > 1e-3, 'another noise draw changes G0');
          assert.ok(maxAbsDiff(d1.initial, (await tfjs.run(input, 2, 1)).initial) <= TOLERANCE, 'draw 1 matches too');
        }
      } finally {
        await onnx.dispose();
        await tfjs.dispose();
      }
    });
  }

  test('a deliberately wrong mapping (ReLU dropped) is caught by the same check', async () => {
    const dir = await trainedVersion('wrong-mapping', VARIANTS['attention, transposed upsampling, dilation 2, 16 px']!, 7);
    await exportOnnx(dir, { mappers: { Activation: ({ inputs }) => inputs[0]! } });
    const onnx = await loadEngine(dir, { engine: 'onnx', threads: 1 });
    const tfjs = await loadEngine(dir, { engine: 'tfjs' });
    try {
      const input = randomBatch(3, 16, 7);
      const diff = worstDiff(await onnx.run(input, 3), await tfjs.run(input, 3));
      assert.ok(diff.initial > TOLERANCE, `the wrong graph was not caught: ${JSON.stringify(diff)}`);
    } finally {
      await onnx.dispose();
      await tfjs.dispose();
    }
    assert.ok(DEFAULT_MAPPERS.Activation, 'the real mapping exists');
  });
});

describe('engine choice', () => {
  let dir: string;
  let engines: InferenceEngine[] = [];
  after(async () => {
    for (const e of engines) await e.dispose();
    engines = [];
  });

  test('a version without an ONNX export serves on tfjs (auto), refuses onnx, and export upgrades it', async () => {
    dir = await trainedVersion('no-export', { imageSize: 16 }, 11);
    const before = await loadEngine(dir);
    engines.push(before);
    assert.equal(before.info.kind, 'tfjs');
    assert.match(before.info.reason, /no ONNX export; run 'sim2real export --model/);
    await assert.rejects(loadEngine(dir, { engine: 'onnx' }), { name: 'EngineUnavailableError', message: /no ONNX export/ });
    await exportOnnx(dir);
    const upgraded = await loadEngine(dir, { threads: 1 });
    engines.push(upgraded);
    assert.equal(upgraded.info.kind, 'onnx');
    assert.match(upgraded.info.description, /^onnxruntime-node \d+\.\d+\.\d+ (cpu|cuda), 1 threads$/);
    const input = randomBatch(2, 16, 3);
    assert.ok(maxAbsDiff((await upgraded.run(input, 2)).output, (await before.run(input, 2)).output) <= TOLERANCE);
  });

  test('a model.onnx that does not match its SHA-256 is not used', async () => {
    const onnxPath = path.join(dir, 'model.onnx');
    const bytes = await readFile(onnxPath);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(onnxPath, bytes);
    const engine = await loadEngine(dir);
    engines.push(engine);
    assert.equal(engine.info.kind, 'tfjs');
    assert.match(engine.info.reason, /does not match the SHA-256/);
  });
});
