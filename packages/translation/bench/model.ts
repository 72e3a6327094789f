/** Model speed benchmark (`npm run bench:model -- --help`): translate and training steps/s, then training next to PyTorch. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import { initBackend as initTfBackend, tf } from '@sim2real/tensor';
import type { BackendChoice } from '@sim2real/tensor';
import { resolveTranslationConfig, type StageName, type TranslationConfig } from '../src/index.js';
import { HistoryPool } from '../src/history-pool.js';
import { buildAttention } from '../src/networks/attention.js';
import { buildDiscriminator } from '../src/networks/discriminator.js';
import { buildGenerator } from '../src/networks/generator.js';
import { type VggWeights, buildPerceptualNetwork, loadVggWeights } from '../src/networks/vgg.js';
import { SeededRandom } from '@sim2real/random';
import { type Networks, discriminatorVariables, generate, generatorVariables, trainStep } from '../src/train-step.js';
import { TRAINING_VS_TORCH_FLAGS, benchTrainingVsTorch, formatTrainingVsTorch, trainingVsTorchOptions } from './training-vs-torch.js';

const { values } = parseScriptFlags({
  usage: 'npm run bench:model -- [options]   (or npm run bench -w @sim2real/translation -- [options])',
  description: `Model speed: translate images/s and training steps/s (G + D) with the paper's architecture at each size,
next to DESIGN.md's "Speed references". Every measurement has a time budget: a configuration projected to exceed
it is skipped and reported, and out-of-memory failures (the wasm heap stops at 4 GB) are caught and reported.
Without --quick, training steps next to PyTorch follow (bench/training-vs-torch.ts, its own JSON file).`,
  flags: defineFlags({
    out: { kind: 'string', value: 'FILE', help: 'where the JSON goes', default: './bench-results/model.json' },
    sizes: { kind: 'integer-list', help: 'image sizes', min: 16, defaultText: '32,64,256 (32 with --quick)' },
    quick: { kind: 'boolean', help: '32 px only and no PyTorch rows: a smoke run' },
    'budget-s': { kind: 'number', value: 'S', help: 'seconds each measurement may take', default: 60, min: 0 },
    ...TRAINING_VS_TORCH_FLAGS,
  }),
});
const { quick } = values;
const sizes = values.sizes ?? (quick ? [32] : [32, 64, 256]);
const budgetS = values['budget-s'];

interface Row {
  what: string;
  size: number;
  ngf: number;
  batch: number;
  msPerCall?: number;
  perSecond?: number;
  unit: string;
  note?: string;
}

const rows: Row[] = [];
let peakTensorBytes = 0;

async function initBackend(): Promise<string> {
  const info = await initTfBackend({ backend: (process.env.TFJS_BACKEND ?? 'auto') as BackendChoice });
  return info.name;
}

/** Times `fn` once as warm-up (skipped when that alone eats half the budget), then up to 3 more runs within budget. */
function time(fn: () => void): { ms: number; note?: string } {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
  if (first > (budgetS * 1000) / 2 || quick) return { ms: first, note: 'single run (includes warm-up)' };
  const runs: number[] = [];
  while (runs.length < 3 && runs.reduce((a, b) => a + b, first) < budgetS * 1000) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return { ms: Math.min(...runs) };
}

function describeError(error: unknown): string {
  const text = String(error instanceof Error ? error.message : error);
  return /memory|allocat|Aborted|RangeError|OOM/i.test(text) ? `out of memory (${text.slice(0, 120)})` : `failed (${text.slice(0, 120)})`;
}

function measure(row: Omit<Row, 'msPerCall' | 'perSecond' | 'unit'>, unit: string, perCall: number, projectedMs: number | undefined, fn: () => void): number | undefined {
  if (projectedMs !== undefined && projectedMs > budgetS * 1000) {
    rows.push({ ...row, unit, note: `skipped: projected ${(projectedMs / 1000).toFixed(0)} s > budget ${budgetS} s` });
    return undefined;
  }
  try {
    const { ms, note } = time(fn);
    rows.push({ ...row, unit, msPerCall: ms, perSecond: (perCall * 1000) / ms, note });
    return ms;
  } catch (error) {
    rows.push({ ...row, unit, note: describeError(error) });
    return undefined;
  }
}

function networksFor(config: TranslationConfig, vgg: VggWeights | undefined, attention: boolean): Networks {
  return {
    g0: buildGenerator(config),
    attention: attention ? buildAttention(config, vgg) : undefined,
    discriminator: buildDiscriminator(config),
    perceptual: vgg ? buildPerceptualNetwork(config.perceptualLayers, vgg) : undefined,
  };
}

function dispose(n: Networks): void {
  for (const m of [n.g0, n.attention, n.discriminator, n.perceptual]) m?.dispose();
}

function benchTranslate(config: TranslationConfig, n: Networks, batch: number, what: string, projected?: number): number | undefined {
  const x = tf.randomUniform<tf.Rank.R4>([batch, config.imageSize, config.imageSize, 3], -1, 1);
  try {
    return measure({ what, size: config.imageSize, ngf: config.generatorWidth, batch }, 'img/s', batch, projected, () => {
      tf.tidy(() => generate(n, n.attention ? 'joint' : 'g0', x, false).output.dataSync());
    });
  } finally {
    x.dispose();
  }
}

function benchTrain(config: TranslationConfig, n: Networks, batch: number, stage: StageName, what: string, projected?: number): number | undefined {
  const x = tf.randomUniform<tf.Rank.R4>([batch, config.imageSize, config.imageSize, 3], -1, 1);
  const gOpt = tf.train.adam(2e-4, 0.5);
  const dOpt = tf.train.adam(2e-4, 0.5);
  try {
    const ctx = {
      networks: n,
      config,
      stage,
      lambda: 1e-6,
      generatorOptimizer: gOpt,
      discriminatorOptimizer: dOpt,
      generatorVars: generatorVariables(n, stage),
      discriminatorVars: discriminatorVariables(n),
      pool: new HistoryPool(50, new SeededRandom(1)),
      updateDiscriminator: true,
      discriminatorView: (images: tf.Tensor4D) => images,
    };
    return measure({ what, size: config.imageSize, ngf: config.generatorWidth, batch }, 'steps/s', 1, projected, () => {
      trainStep(ctx, x, x);
    });
  } finally {
    x.dispose();
    gOpt.dispose();
    dOpt.dispose();
  }
}

const backend = await initBackend();
const vgg = await loadVggWeights(values.vgg).catch(() => undefined);
const started = performance.now();

for (const size of sizes) {
  const config = resolveTranslationConfig({ preset: 'paper', imageSize: size });
  const n = networksFor(config, vgg, true);
  const t1 = benchTranslate(config, n, 1, 'translate (G0 + attention)');
  benchTranslate(config, n, 16, 'translate (G0 + attention)', t1 === undefined ? undefined : t1 * 16);
  // a G + D step costs at least ~3 forward passes of G0 + attention
  const s1 = benchTrain(config, n, 1, 'g0', 'train step G0 + D', t1 === undefined ? undefined : t1 * 3);
  const big = size <= 64 ? 16 : 4;
  benchTrain(config, n, big, 'g0', 'train step G0 + D', s1 === undefined ? undefined : s1 * big);
  if (!quick) benchTrain(config, n, 1, 'joint', 'train step G0 + attention + D', s1 === undefined ? undefined : s1 * 3);
  dispose(n);
}

if (!quick) {
  // the exact settings of DESIGN.md's reference table (G0 alone forward; G0 + D training step)
  for (const [size, ngf, batch] of [
    [64, 32, 16],
    [256, 64, 1],
  ] as const) {
    const config = resolveTranslationConfig({ preset: 'paper', imageSize: size, generatorWidth: ngf });
    const n = networksFor(config, vgg, false);
    benchTranslate(config, n, batch, 'reference: G0 forward');
    benchTrain(config, n, batch, 'g0', 'reference: train step G0 + D');
    dispose(n);
  }
}

const rss = process.resourceUsage().maxRSS / 1024;
const reference = [
  'DESIGN.md speed references (PyTorch 1.13 CPU, 2 threads, same network):',
  '  G0 forward 64 px ngf 32 b16: 22 ms/img   | G0 forward 256 px ngf 64 b1: 1.5 s/img',
  '  train step G+D 64 px b16: 1.6 s          | train step G+D 256 px b1: 6.6 s',
  '  tfjs-wasm plain-conv stand-in: 164 ms/img (64 px), 4.2 s/img (256 px); tfjs cpu 2.4 s/img (64 px)',
];
console.log(`backend: ${backend}; VGG weights: ${vgg ? 'yes' : 'no (random encoder)'}; wall ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log('what'.padEnd(34), 'size', ' ngf', 'batch', 'ms/call'.padStart(10), 'rate'.padStart(14), ' note');
for (const r of rows) {
  const rate = r.perSecond === undefined ? '-' : `${r.perSecond.toFixed(r.perSecond < 1 ? 3 : 1)} ${r.unit}`;
  const perImage = r.msPerCall !== undefined && r.unit === 'img/s' ? ` (${(r.msPerCall / r.batch).toFixed(0)} ms/img)` : '';
  console.log(r.what.padEnd(34), String(r.size).padStart(4), String(r.ngf).padStart(4), String(r.batch).padStart(5), (r.msPerCall?.toFixed(0) ?? '-').padStart(10), rate.padStart(14), `${perImage} ${r.note ?? ''}`);
}
console.log(`peak process RSS ${rss.toFixed(0)} MiB; peak tf.memory().numBytes ${(peakTensorBytes / 2 ** 20).toFixed(0)} MiB`);
for (const line of reference) console.log(line);

// Last: it instantiates the wasm backend anew per thread count, which ends every tensor made above.
if (!quick) {
  const versusTorch = await benchTrainingVsTorch(trainingVsTorchOptions(values, (line) => void process.stderr.write(`${line}\n`)));
  for (const line of formatTrainingVsTorch(versusTorch)) console.log(line);
  const versusOut = resolve(values.out).replace(/(\.json)?$/, '-training-vs-torch.json');
  await mkdir(dirname(versusOut), { recursive: true });
  await writeFile(versusOut, `${JSON.stringify({ rows: versusTorch }, null, 2)}\n`);
  console.log(`wrote ${versusOut}`);
}

const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ backend, vgg: vgg !== undefined, quick, budgetS, rows, peakRssMiB: rss, peakTensorMiB: peakTensorBytes / 2 ** 20, reference }, null, 2)}\n`);
console.log(`wrote ${out}`);
