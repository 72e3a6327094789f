/** Inference rows of bench:model, images/s per engine next to PyTorch: `npm run bench -w @sim2real/inference -- --help`. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import { exportOnnx } from '@sim2real/onnx-export';
import { initBackend } from '@sim2real/tensor';
import type { BackendChoice } from '@sim2real/tensor';
import { resolveTranslationConfig } from '@sim2real/translation';
import type { TranslationOptions } from '@sim2real/translation';
import { writeUntrainedModel } from '@sim2real/translation/testing';
import { loadEngine, runTorchReference } from '../src/index.js';
import type { EngineKind, InferenceEngine } from '../src/index.js';

const { values } = parseScriptFlags({
  usage: 'npm run bench -w @sim2real/inference -- [options]   (also the last part of npm run bench:model)',
  description: `Translate images/s of one network on each inference engine (onnxruntime-node, tfjs) next to the PyTorch
reference of the same network (../shared/bench/ref_torch.py --no-train, 2 threads) run in the same process tree,
as ratios. Untrained weights: speed does not depend on them. Prints a table and writes JSON.`,
  flags: defineFlags({
    out: { kind: 'string', value: 'FILE', help: 'where the JSON goes', default: './bench-results/model-inference.json' },
    quick: { kind: 'boolean', help: 'one small case (32 px, batch 4, the default preset): a smoke run' },
    threads: { kind: 'integer', help: 'onnxruntime-node threads', default: os.availableParallelism(), defaultText: 'the cores', min: 1 },
    'budget-s': { kind: 'number', value: 'S', help: 'seconds of timed calls per engine and case', default: 60, min: 0 },
    'torch-script': { kind: 'string', value: 'FILE', help: 'the PyTorch reference', default: fileURLToPath(new URL('../../../../shared/bench/ref_torch.py', import.meta.url)), defaultText: '../shared/bench/ref_torch.py' },
    python: { kind: 'string', value: 'PATH', help: 'a Python that imports torch', defaultText: 'python3, then /usr/bin/python3' },
    engines: { kind: 'string-list', help: 'engines to measure', choices: ['onnx', 'tfjs'], default: ['onnx', 'tfjs'] },
    cases: { kind: 'string-list', value: 'SxB,...', help: "size x batch of the paper's architecture, e.g. 64x16,256x1", defaultText: '32x16,64x16,256x1' },
  }),
});
const { engines, quick, threads } = values;
const budgetMs = values['budget-s'] * 1000;
const pythons = values.python ? [values.python] : ['python3', '/usr/bin/python3'];

interface Case {
  what: string;
  options: TranslationOptions;
  batch: number;
}

/** Issue 30's goals: the paper's architecture (preset `paper`: ngf 64, 9 blocks, attention) at 64 px batch 16 and 256 px batch 1. */
const CASES: Case[] = values.cases
  ? values.cases.map((c) => {
      const [size, batch] = c.split('x').map(Number);
      return { what: 'translate (G0 + attention)', options: { preset: 'paper', imageSize: size }, batch: batch ?? 1 };
    })
  : quick
  ? [{ what: 'translate (G0 + attention)', options: { imageSize: 32 }, batch: 4 }]
  : [
      { what: 'translate (G0 + attention)', options: { preset: 'paper', imageSize: 32 }, batch: 16 },
      { what: 'translate (G0 + attention)', options: { preset: 'paper', imageSize: 64 }, batch: 16 },
      { what: 'translate (G0 + attention)', options: { preset: 'paper', imageSize: 256 }, batch: 1 },
    ];

const rows: Row[] = [];

interface Row {
  what: string;
  size: number;
  ngf: number;
  blocks: number;
  batch: number;
  engine: EngineKind | 'pytorch';
  detail: string;
  imagesPerSecond?: number;
  ratioToPytorch?: number;
  note?: string;
}

/** Warm-up run, then up to 3 timed runs within the budget; best run. */
async function timeEngine(engine: InferenceEngine, batch: number): Promise<{ imagesPerSecond: number; note?: string }> {
  const size = engine.imageSize;
  const input = Float32Array.from({ length: batch * size * size * 3 }, (_, i) => Math.sin(i) * 0.9);
  const t0 = performance.now();
  await engine.run(input, batch);
  const first = performance.now() - t0;
  if (first > budgetMs / 2 || quick) return { imagesPerSecond: (batch * 1000) / first, note: 'single run (includes warm-up)' };
  const runs: number[] = [];
  while (runs.length < 3 && runs.reduce((a, b) => a + b, first) < budgetMs) {
    const t = performance.now();
    await engine.run(input, batch);
    runs.push(performance.now() - t);
  }
  return { imagesPerSecond: (batch * 1000) / Math.min(...runs) };
}

/** Keeps a row and reports it at once (progress: a full run takes minutes). */
function record(row: Row): void {
  rows.push(row);
  const rate = row.imagesPerSecond === undefined ? '-' : `${row.imagesPerSecond.toFixed(3)} img/s`;
  process.stderr.write(`${row.size} px batch ${row.batch} ${row.engine}: ${rate}${row.note ? ` (${row.note})` : ''}\n`);
}

const backend = await initBackend({ backend: (process.env.TFJS_BACKEND ?? 'auto') as BackendChoice });
const root = await mkdtemp(join(os.tmpdir(), 'sim2real-bench-inference-'));
const started = performance.now();
try {
  for (const [i, c] of CASES.entries()) {
    const config = resolveTranslationConfig(c.options);
    const dir = join(root, `v${i}`);
    await writeUntrainedModel(dir, c.options);
    await exportOnnx(dir);
    const base = { what: c.what, size: config.imageSize, ngf: config.generatorWidth, blocks: config.residualBlocks, batch: c.batch };
    const torch = await runTorchReference(config, c.batch, { script: values['torch-script'], pythons, threads: 2 });
    const torchRate = torch.ok ? torch.reference.translateImagesPerSecond : undefined;
    record(torch.ok ? { ...base, engine: 'pytorch', detail: `${torch.reference.framework}, ${torch.reference.threads} threads`, imagesPerSecond: torchRate, ratioToPytorch: 1 } : { ...base, engine: 'pytorch', detail: '-', note: `skipped: ${torch.skipped}` });
    for (const kind of engines) {
      let engine: InferenceEngine | undefined;
      try {
        engine = await loadEngine(dir, { engine: kind, threads });
        const { imagesPerSecond, note } = await timeEngine(engine, c.batch);
        record({ ...base, engine: kind, detail: engine.info.description, imagesPerSecond, ratioToPytorch: torchRate && imagesPerSecond / torchRate, note });
      } catch (error) {
        record({ ...base, engine: kind, detail: '-', note: `failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 160)}` });
      } finally {
        await engine?.dispose();
      }
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

console.log(`inference rows; tfjs backend ${backend.name}; onnx threads ${threads}; cores ${os.availableParallelism()}; wall ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log('what'.padEnd(28), 'size', ' ngf', 'blk', 'batch', 'engine'.padEnd(8), 'img/s'.padStart(9), 'ms/img'.padStart(9), 'x pytorch'.padStart(10), ' detail / note');
for (const r of rows) {
  const rate = r.imagesPerSecond === undefined ? '-' : r.imagesPerSecond.toFixed(r.imagesPerSecond < 10 ? 3 : 1);
  const ms = r.imagesPerSecond === undefined ? '-' : (1000 / r.imagesPerSecond).toFixed(0);
  const ratio = r.ratioToPytorch === undefined ? '-' : `${r.ratioToPytorch.toFixed(2)}x`;
  console.log(r.what.padEnd(28), String(r.size).padStart(4), String(r.ngf).padStart(4), String(r.blocks).padStart(3), String(r.batch).padStart(5), r.engine.padEnd(8), rate.padStart(9), ms.padStart(9), ratio.padStart(10), ` ${r.detail}${r.note ? `; ${r.note}` : ''}`);
}
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ backend: backend.name, threads, cores: os.availableParallelism(), quick, rows }, null, 2)}\n`);
console.log(`wrote ${out}`);
