import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { encodePng } from '@sim2real/imaging';
import { DatasetOptionError, digitSplits, loadMnistDigits, makeMnistM, mnistDigitCount, type DigitSample } from '../src/index.js';

const SHARED_PHOTOS = fileURLToPath(new URL('../../../../shared/data/photos', import.meta.url));
let uniformDir: string;
let greyDir: string;

void before(async () => {
  uniformDir = await mkdtemp(path.join(tmpdir(), 'datasets-photos-'));
  greyDir = await mkdtemp(path.join(tmpdir(), 'datasets-grey-'));
  const colour = Uint8Array.from({ length: 40 * 40 * 3 }, (_, i) => [10, 200, 90][i % 3]!);
  await writeFile(path.join(uniformDir, 'uniform.png'), await encodePng({ width: 40, height: 40, data: colour }));
  const grey = Uint8Array.from({ length: 8 * 8 }, (_, i) => i * 4);
  await writeFile(path.join(greyDir, 'small-grey.png'), await encodePng({ width: 8, height: 8, data: grey }));
});

void after(async () => {
  await Promise.all([uniformDir, greyDir].map((d) => rm(d, { recursive: true, force: true })));
});

function isGreyRgb(sample: DigitSample): boolean {
  const { data } = sample.image;
  for (let i = 0; i < data.length; i += 3) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  return true;
}

void describe('loadMnistDigits', () => {
  void it("loads Fashion-MNIST's 70 000 packaged clothing images with dataset 'fashion', ten classes, disjoint splits", async () => {
    assert.equal(mnistDigitCount('fashion'), 70_000);
    const splits = digitSplits({ source: 50, targetTrain: 50, targetTest: 50 }, 'fashion');
    const [clothes, digits] = await Promise.all([
      loadMnistDigits({ dataset: 'fashion', ...splits.source, size: 28 }),
      loadMnistDigits({ ...splits.source, size: 28 }),
    ]);
    const test = await loadMnistDigits({ dataset: 'fashion', ...splits.targetTest, size: 28 });
    assert.equal(new Set([...clothes, ...test].map((s) => s.index)).size, 100);
    assert.ok(clothes.every((s) => isGreyRgb(s) && s.label >= 0 && s.label <= 9));
    assert.ok(new Set(clothes.map((s) => s.label)).size >= 7);
    // A garment fills much of the frame, a digit's stroke little of it (means of about 73 and 33 of 255).
    const mean = (samples: DigitSample[]): number => samples.reduce((sum, s) => sum + s.image.data.reduce((a, v) => a + v, 0) / s.image.data.length, 0) / samples.length;
    assert.ok(mean(clothes) > 55 && mean(digits) < 45, `means ${mean(clothes)} and ${mean(digits)}`);
    assert.throws(() => digitSplits({ source: 70_000, targetTrain: 1, targetTest: 0 }, 'fashion'), /Fashion-MNIST has 70000/);
  });

  void it('loads 10 000 packaged digits as grey-valued RGB at 32 × 32 by default', async () => {
    assert.equal(mnistDigitCount(), 10_000);
    const digits = await loadMnistDigits({ count: 40 });
    assert.equal(digits.length, 40);
    for (const d of digits) {
      assert.equal(d.image.width, 32);
      assert.equal(d.image.height, 32);
      assert.equal(d.image.data.length, 32 * 32 * 3);
      assert.ok(Number.isInteger(d.label) && d.label >= 0 && d.label <= 9);
      assert.ok(isGreyRgb(d));
      assert.ok(Math.max(...d.image.data) > 200, 'white strokes');
      assert.equal(d.image.data[0], 0, 'black corner');
    }
    assert.ok(new Set(digits.map((d) => d.label)).size >= 7, 'the seeded order mixes classes');
  });

  void it('keeps 28 × 28 pixels exact at size 28 and maps package indices to labels', async () => {
    const all = await loadMnistDigits({ count: 10_000, size: 28 });
    assert.deepEqual([...new Set(all.map((d) => d.index))].length, 10_000);
    const byIndex = new Map(all.map((d) => [d.index, d]));
    assert.equal(byIndex.get(0)!.label, 0);
    assert.equal(byIndex.get(9_999)!.label, 9);
    const counts = Array.from({ length: 10 }, (_, d) => all.filter((s) => s.label === d).length);
    assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    assert.equal(byIndex.get(1001)!.label, 1, 'first 1 follows the last 0');
  });

  void it('is deterministic by seed; ranges of one seed are disjoint', async () => {
    const a = await loadMnistDigits({ count: 20, offset: 5, seed: 7, size: 16 });
    assert.deepEqual(await loadMnistDigits({ count: 20, offset: 5, seed: 7, size: 16 }), a);
    const other = await loadMnistDigits({ count: 20, offset: 5, seed: 8, size: 16 });
    assert.notDeepEqual(other.map((d) => d.index), a.map((d) => d.index));
    const next = await loadMnistDigits({ count: 20, offset: 25, seed: 7, size: 16 });
    assert.equal(a.filter((d) => next.some((n) => n.index === d.index)).length, 0);
  });

  void it('refuses ranges past the end and bad numbers', async () => {
    await assert.rejects(loadMnistDigits({ offset: 9_990, count: 11 }), DatasetOptionError);
    await assert.rejects(loadMnistDigits({ count: -1 }), DatasetOptionError);
    await assert.rejects(loadMnistDigits({ count: 1, size: 0 }), DatasetOptionError);
  });
});

void describe('digitSplits', () => {
  void it('gives disjoint source / target-train / target-test ranges', async () => {
    const splits = digitSplits({ source: 30, targetTrain: 20, targetTest: 10 });
    assert.deepEqual(splits, {
      source: { offset: 0, count: 30 },
      targetTrain: { offset: 30, count: 20 },
      targetTest: { offset: 50, count: 10 },
    });
    const parts = await Promise.all(Object.values(splits).map((r) => loadMnistDigits({ ...r, seed: 3, size: 8 })));
    const indices = parts.flat().map((d) => d.index);
    assert.equal(indices.length, 60);
    assert.equal(new Set(indices).size, 60);
    assert.throws(() => digitSplits({ source: 9_000, targetTrain: 900, targetTest: 101 }), DatasetOptionError);
  });
});

void describe('makeMnistM', () => {
  void it('is |photo crop − digit| per channel, labels kept', async () => {
    const digits = await loadMnistDigits({ count: 5, size: 32 });
    const blended = await makeMnistM(digits, { photosDir: uniformDir, seed: 1 });
    assert.equal(blended.length, 5);
    blended.forEach((b, n) => {
      const digit = digits[n]!;
      assert.equal(b.label, digit.label);
      assert.equal(b.index, digit.index);
      assert.equal(b.image.width, 32);
      b.image.data.forEach((v, i) => assert.equal(v, Math.abs([10, 200, 90][i % 3]! - digit.image.data[i]!)));
    });
    assert.ok(!isGreyRgb(blended[0]!), 'coloured');
  });

  void it('is deterministic by seed and stays in byte range on real photos', async () => {
    const digits = await loadMnistDigits({ count: 8, size: 32 });
    const a = await makeMnistM(digits, { photosDir: SHARED_PHOTOS, seed: 5 });
    assert.deepEqual(await makeMnistM(digits, { photosDir: SHARED_PHOTOS, seed: 5 }), a);
    const b = await makeMnistM(digits, { photosDir: SHARED_PHOTOS, seed: 6 });
    assert.notDeepEqual(b, a);
    for (const s of a) {
      assert.equal(s.image.data.length, 32 * 32 * 3);
      const values = [...s.image.data];
      assert.ok(Math.max(...values) <= 255 && Math.min(...values) >= 0);
      assert.ok(new Set(values).size > 20, 'textured, not flat');
    }
  });

  void it('enlarges small grey photos, resizes digits to the size asked, refuses an empty folder', async () => {
    const digits = await loadMnistDigits({ count: 2, size: 28 });
    const out = await makeMnistM(digits, { photosDir: greyDir, seed: 0, size: 16 });
    assert.equal(out[0]!.image.width, 16);
    assert.ok(out.every(isGreyRgb), 'grey photo minus grey digit stays grey');
    const empty = await mkdtemp(path.join(tmpdir(), 'datasets-empty-'));
    await assert.rejects(makeMnistM(digits, { photosDir: empty }), { name: 'DatasetOptionError', message: /no PNG or JPEG photos/ });
    await rm(empty, { recursive: true });
  });
});
