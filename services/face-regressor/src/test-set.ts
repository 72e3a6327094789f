import { readFile } from 'node:fs/promises';
import { readLabelledFolder } from '@sim2real/datasets';
import { iterateFaces } from '@sim2real/face-synth';
import { decodeImage } from '@sim2real/imaging';
import { BadSampleError } from './errors.js';
import { SampleStore } from './sample-store.js';

/** Reads a labelled folder (`labels.jsonl` with vector labels) into a store for evaluation. */
export async function loadTestSet(dir: string, options: { size: number; outputs: number; signal?: AbortSignal }): Promise<SampleStore> {
  const entries: { id: string; file: string; label: number[] }[] = [];
  for await (const sample of readLabelledFolder(dir, { signal: options.signal })) {
    if (sample.label.kind !== 'vector') {
      throw new BadSampleError(`Test sample ${sample.file} has no coefficient-vector label (labels.jsonl "label" must be a number array).`, sample.id);
    }
    entries.push({ id: sample.id, file: sample.file, label: sample.label.values });
  }
  const store = new SampleStore({ size: options.size, outputs: options.outputs, capacity: Math.max(1, entries.length) });
  for (const entry of entries) {
    const image = await decodeImage(await readFile(entry.file), { name: entry.file });
    await store.add([{ id: entry.id, image, label: entry.label }]);
  }
  return store;
}

/** Renders a held-out `real`-style test set (a seed no training set uses). */
export async function renderTestSet(options: {
  count: number;
  size: number;
  outputs: number;
  photosDir?: string;
  seed?: number;
  signal?: AbortSignal;
}): Promise<SampleStore> {
  const store = new SampleStore({ size: options.size, outputs: options.outputs, capacity: Math.max(1, options.count) });
  for await (const face of iterateFaces({ count: options.count, style: 'real', size: options.size, seed: options.seed ?? 0x7e57, photosDir: options.photosDir, signal: options.signal })) {
    await store.add([{ id: face.id, image: face.image, label: face.params.coefficients }]);
  }
  return store;
}

/** The test set a service run uses: the labelled folder when given, else `count` freshly rendered real-style faces. */
export async function prepareTestSet(options: {
  dir?: string;
  count: number;
  size: number;
  outputs: number;
  photosDir?: string;
  signal?: AbortSignal;
}): Promise<SampleStore | undefined> {
  if (options.dir !== undefined) return loadTestSet(options.dir, options);
  if (options.count === 0) return undefined;
  return renderTestSet(options);
}
