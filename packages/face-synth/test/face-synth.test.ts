import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '@sim2real/imaging';
import {
  FaceSynthConfigError,
  createFaceModel,
  generateFaceDataset,
  loadBackgrounds,
  renderFace,
  sampleFace,
  writeFaceDataset,
} from '@sim2real/face-synth';

const PHOTOS = fileURLToPath(new URL('../../../../shared/data/photos', import.meta.url));
/** A coarse model keeps the suite fast; one test uses the default model. */
const small = { components: 12, latitudes: 28, longitudes: 40 };
const model = createFaceModel(small);

function fraction(mask: Uint8Array, predicate: (v: number) => boolean): number {
  return mask.filter(predicate).length / mask.length;
}

void describe('sampleFace', () => {
  void it('is deterministic by seed and draws N(0, 1) coefficients', () => {
    assert.deepEqual(sampleFace(7), sampleFace(7));
    assert.notDeepEqual(sampleFace(7).coefficients, sampleFace(8).coefficients);
    const values = Array.from({ length: 50 }, (_, i) => Array.from(sampleFace(i).coefficients)).flat();
    assert.equal(values.length, 5000);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.08, `variance ${variance}`);
    const { pose } = sampleFace(3, { maxYawDeg: 10 });
    assert.ok(Math.abs(pose.yawDeg) <= 10);
  });

  void it('rejects bad options with a typed error', () => {
    assert.throws(() => sampleFace(1, { components: 0 }), FaceSynthConfigError);
    assert.throws(() => createFaceModel({ components: 1.5 }), (e: unknown) => e instanceof FaceSynthConfigError && e.option === 'components');
  });
});

void describe('face model', () => {
  void it('has orthogonal components with decaying σ and no rigid motion', () => {
    const n = model.vertexCount * 3;
    const comp = (k: number): Float32Array => model.components.subarray(k * n, (k + 1) * n);
    let d01 = 0;
    let d00 = 0;
    let shiftX = 0;
    for (let i = 0; i < n; i++) {
      d01 += comp(0)[i]! * comp(1)[i]!;
      d00 += comp(0)[i]! * comp(0)[i]!;
    }
    for (let v = 0; v < model.vertexCount; v++) shiftX += comp(0)[3 * v]!;
    assert.ok(Math.abs(d01) < 1e-3 * d00, `dot ${d01} vs ${d00}`);
    assert.ok(Math.abs(shiftX / model.vertexCount) < 1e-4);
    assert.ok(model.sigmas[0]! > model.sigmas[5]! && model.sigmas[5]! > model.sigmas[11]!);
  });
});

void describe('renderFace', () => {
  void it('is deterministic by seed in both styles, and the styles share geometry', async () => {
    const face = sampleFace(11, { components: 12 });
    const sim = await renderFace({ ...face, style: 'sim', size: 24, model });
    const real = await renderFace({ ...face, style: 'real', size: 24, model, seed: 5 });
    const again = await renderFace({ ...face, style: 'real', size: 24, model, seed: 5 });
    const other = await renderFace({ ...face, style: 'real', size: 24, model, seed: 6 });
    assert.deepEqual(again, real);
    assert.notDeepEqual(other.image.data, real.image.data);
    assert.deepEqual(real.mask, sim.mask, 'same face, same silhouette');
    assert.deepEqual(other.mask, sim.mask, 'appearance seed never moves geometry');
    assert.notDeepEqual(real.image.data, sim.image.data);
    assert.equal(sim.image.data.length, 24 * 24 * 3);
    assert.equal(real.image.data.length, 24 * 24 * 3);
  });

  void it('frames the head in the image and the coefficients change the silhouette', async () => {
    const face = sampleFace(2, { components: 12 });
    const { mask } = await renderFace({ ...face, style: 'sim', size: 32, model });
    const covered = fraction(mask.data, (v) => v > 127);
    assert.ok(covered > 0.3 && covered < 0.8, `head covers ${covered}`);
    assert.ok(fraction(mask.data, (v) => v === 0) > 0.15, 'background visible');
    const pushed = Float32Array.from(face.coefficients);
    pushed[0] = pushed[0]! + 3;
    const changed = await renderFace({ ...face, coefficients: pushed, style: 'sim', size: 32, model });
    const differing = mask.data.filter((v, i) => Math.abs(v - changed.mask.data[i]!) > 64).length;
    assert.ok(differing >= 5, `only ${differing} mask pixels moved`);
  });

  void it('puts photo backgrounds behind real faces and keeps sim backgrounds plain', async () => {
    const backgrounds = await loadBackgrounds(PHOTOS);
    assert.ok(backgrounds.photos.length >= 1);
    const face = sampleFace(4, { components: 12 });
    const sim = await renderFace({ ...face, style: 'sim', size: 32, model });
    const real = await renderFace({ ...face, style: 'real', size: 32, model, seed: 1, backgrounds });
    const backgroundSpread = (data: Uint8Array): number => {
      const values: number[] = [];
      sim.mask.data.forEach((m, p) => {
        if (m === 0) values.push(data[3 * p]!);
      });
      return Math.max(...values) - Math.min(...values);
    };
    assert.equal(backgroundSpread(sim.image.data), 0);
    assert.ok(backgroundSpread(real.image.data) > 20);
    await assert.rejects(renderFace({ ...face, style: 'sim', size: 4 }), FaceSynthConfigError);
  });
});

void describe('datasets', () => {
  void it('renders the default model and writes a labelled PNG folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'face-synth-'));
    try {
      const samples = await generateFaceDataset({ count: 2, style: 'real', size: 32, seed: 3, photosDir: PHOTOS });
      assert.equal(samples.length, 2);
      assert.equal(samples[0]!.params.coefficients.length, 100);
      assert.equal(samples[0]!.id, '3-0');
      const simTwin = await generateFaceDataset({ count: 2, style: 'sim', size: 32, seed: 3 });
      assert.deepEqual(simTwin[1]!.params, samples[1]!.params);
      assert.deepEqual(simTwin[1]!.mask, samples[1]!.mask);
      await writeFaceDataset(join(dir, 'faces'), samples, { masks: true });
      const png = await decodeImage(await readFile(join(dir, 'faces', '3-1.png')));
      assert.equal(png.width, 32);
      assert.deepEqual(png.data, samples[1]!.image.data, 'PNG is lossless');
      const lines = (await readFile(join(dir, 'faces', 'labels.jsonl'), 'utf8')).trim().split('\n');
      const label = (JSON.parse(lines[1]!) as { file: string; label: number[] }).label;
      assert.equal(label.length, 100);
      label.forEach((v, k) => assert.ok(Math.abs(v - samples[1]!.params.coefficients[k]!) < 1e-6));
      const mask = await decodeImage(await readFile(join(dir, 'faces-masks', '3-1.png')));
      assert.equal(mask.width, 32);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
