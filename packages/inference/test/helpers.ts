import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SeededRandom } from '@sim2real/random';
import { readModelManifest } from '@sim2real/translation';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/**
 * Replaces every weight of the version's G0 and attention networks by seeded random values of working scale
 * (kernels N(0, 1/fan_in), batch-norm statistics away from 0 and 1), in place. A tiny model trained for three steps
 * is still at its initialisation, where G0's output barely varies; parity on such a model would prove little.
 */
export async function randomiseWeights(modelDir: string, seed: number): Promise<void> {
  const manifest = await readModelManifest(modelDir);
  const parts = manifest.hasAttention ? ['g0', 'attention'] : ['g0'];
  for (const [p, part] of parts.entries()) {
    const dir = path.join(modelDir, manifest.checkpoint, part);
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: WeightSpec[] }[] };
    const specs = json.weightsManifest.flatMap((g) => g.weights);
    const random = SeededRandom.fromSeeds(seed, p);
    const chunks = specs.map(({ name, shape, dtype }) => {
      if (dtype !== 'float32') throw new Error(`${name} is ${dtype}`);
      const count = shape.reduce((a, b) => a * b, 1);
      const fanIn = shape.length === 4 ? shape[0]! * shape[1]! * shape[2]! : 1;
      const draw = (): number => {
        if (name.endsWith('moving_variance')) return random.uniform(0.5, 1.5);
        if (name.endsWith('gamma')) return random.uniform(0.5, 1.5);
        if (name.endsWith('moving_mean') || name.endsWith('beta') || name.endsWith('bias')) return random.uniform(-0.3, 0.3);
        return random.uniform(-1, 1) * Math.sqrt(3 / fanIn);
      };
      return Float32Array.from({ length: count }, draw);
    });
    const bytes = new Uint8Array(chunks.reduce((a, c) => a + c.byteLength, 0));
    let offset = 0;
    for (const c of chunks) {
      bytes.set(new Uint8Array(c.buffer), offset);
      offset += c.byteLength;
    }
    await writeFile(path.join(dir, 'weights.bin'), bytes);
  }
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Standard deviation of the values (a parity check on a constant output would prove little). */
export function spread(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}
