/**
 * Training steps/s next to PyTorch: the same network and batch in `../shared/bench/ref_torch.py`, run in the
 * same benchmark run, for our wasm backend at each thread count. Each count instantiates the wasm backend anew:
 * tensors made before are gone, so a caller runs this last. `bench/model.ts` calls it; it also runs alone
 * (`npx tsx packages/translation/bench/training-vs-torch.ts --help`).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import { MAX_WASM_THREADS, initBackend, tf } from '@sim2real/tensor';
import { SeededRandom } from '@sim2real/random';
import { resolveTranslationConfig, type StageName, type TranslationOptions } from '../src/index.js';
import { HistoryPool } from '../src/history-pool.js';
import { buildAttention } from '../src/networks/attention.js';
import { buildDiscriminator } from '../src/networks/discriminator.js';
import { buildGenerator } from '../src/networks/generator.js';
import { type VggWeights, buildPerceptualNetwork, disposeVggWeights, loadVggWeights } from '../src/networks/vgg.js';
import { type Networks, discriminatorVariables, generatorVariables, trainStep } from '../src/train-step.js';

/** One network and batch, as both frameworks build it. */
export interface TrainingConfig {
  /** Short name, for `--configs`. */
  id: string;
  what: string;
  size: number;
  ngf: number;
  blocks: number;
  attentionWidth: number;
  ndf: number;
  batch: number;
  /** 'g0': G0 + D (no attention); 'joint': G0 + attention + D, the three-network step. */
  stage: Extract<StageName, 'g0' | 'joint'>;
}

/** The configurations of issue 31: the G0 + D and the full step at 64 px, and the digits benchmark's translator. */
export const TRAINING_CONFIGS: readonly TrainingConfig[] = [
  { id: 'g0-d-64', what: 'G0 + D', size: 64, ngf: 64, blocks: 9, attentionWidth: 64, ndf: 64, batch: 8, stage: 'g0' },
  { id: 'joint-64', what: 'G0 + attention + D', size: 64, ngf: 64, blocks: 9, attentionWidth: 64, ndf: 64, batch: 8, stage: 'joint' },
  { id: 'digits', what: 'digits translator (joint)', size: 32, ngf: 16, blocks: 3, attentionWidth: 16, ndf: 16, batch: 8, stage: 'joint' },
];

/** One measured configuration at one thread count. */
export interface TrainingVsTorchRow {
  config: string;
  what: string;
  size: number;
  ngf: number;
  blocks: number;
  batch: number;
  /** Threads of our wasm backend (PyTorch runs with `torchThreads`). */
  threads: number;
  torchThreads: number;
  /** Seconds per training step, best of the timed steps; undefined when it failed (see note). */
  tfjsStepS?: number;
  torchStepS?: number;
  /** tfjsStepS / torchStepS: how many times PyTorch's step time ours takes. */
  ratio?: number;
  /** 1-minute load average when the row started, and the machine's logical cores: the machine is shared. */
  loadAvg1m: number;
  note?: string;
}

/** Options of `benchTrainingVsTorch`. */
export interface TrainingVsTorchOptions {
  configs: readonly TrainingConfig[];
  /** Thread counts of our wasm backend, each measured. */
  threads: readonly number[];
  /** PyTorch's threads (the goal: 2). */
  torchThreads: number;
  /** Timed steps after one warm-up step, on both sides. */
  iters: number;
  /** A Python with torch (Debian's python3-torch lives in /usr/bin/python3). */
  python: string;
  /** ref_torch.py. */
  torchScript: string;
  /** VGG-19 weights (loaded anew on each backend instance); without them, pixel-space self-regularisation. */
  vggDir: string;
  /** Progress lines (one per measurement). */
  log: (line: string) => void;
}

/** ref_torch.py beside the repository, as DESIGN.md's speed references place it. */
export const REF_TORCH_SCRIPT = fileURLToPath(new URL('../../../../shared/bench/ref_torch.py', import.meta.url));

function torchArgs(c: TrainingConfig, threads: number, iters: number): string[] {
  const args = ['--size', c.size, '--ngf', c.ngf, '--blocks', c.blocks, '--attention-width', c.attentionWidth, '--ndf', c.ndf, '--batch', c.batch];
  return [...args.map(String), '--threads', String(threads), '--iters', String(iters + 1), ...(c.stage === 'g0' ? ['--no-attention'] : [])];
}

/** ref_torch.py's training step time in seconds (it runs iters - 1 timed steps after a warm-up). */
async function torchStepS(options: TrainingVsTorchOptions, c: TrainingConfig): Promise<number> {
  const { stdout } = await promisify(execFile)(options.python, [options.torchScript, ...torchArgs(c, options.torchThreads, options.iters)], { maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as { train_step_s?: number };
  if (typeof parsed.train_step_s !== 'number') throw new Error(`ref_torch.py printed no train_step_s: ${line.slice(0, 200)}`);
  return parsed.train_step_s;
}

/** Our training step (trainStep, as the trainer runs it) in seconds: best of `iters` after one warm-up. */
function tfjsStepS(c: TrainingConfig, vgg: VggWeights | undefined, iters: number): number {
  const options: TranslationOptions = { imageSize: c.size, generatorWidth: c.ngf, residualBlocks: c.blocks, attentionWidth: c.attentionWidth, discriminatorWidth: c.ndf, batchSize: c.batch };
  const config = resolveTranslationConfig(options);
  const networks: Networks = {
    g0: buildGenerator(config),
    attention: c.stage === 'joint' ? buildAttention(config, vgg) : undefined,
    discriminator: buildDiscriminator(config),
    perceptual: vgg ? buildPerceptualNetwork(config.perceptualLayers, vgg) : undefined,
  };
  const x = tf.randomUniform<tf.Rank.R4>([c.batch, c.size, c.size, 3], -1, 1);
  const generatorOptimizer = tf.train.adam(2e-4, 0.5);
  const discriminatorOptimizer = tf.train.adam(2e-4, 0.5);
  try {
    const ctx = {
      networks,
      config,
      stage: c.stage,
      lambda: 1e-6,
      generatorOptimizer,
      discriminatorOptimizer,
      generatorVars: generatorVariables(networks, c.stage),
      discriminatorVars: discriminatorVariables(networks),
      pool: new HistoryPool(50, new SeededRandom(1)),
      updateDiscriminator: true,
      discriminatorView: (images: tf.Tensor4D) => images,
    };
    trainStep(ctx, x, x);
    let best = Infinity;
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      trainStep(ctx, x, x);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return best;
  } finally {
    tf.dispose([x]);
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
    for (const model of [networks.g0, networks.attention, networks.discriminator, networks.perceptual]) model?.dispose();
  }
}

const failure = (error: unknown): string => `failed (${(error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 160) ?? ''})`;

/**
 * Per configuration: PyTorch's step, then ours at each thread count (the wasm backend instantiated anew per
 * count), so that each ratio compares measurements minutes apart.
 */
export async function benchTrainingVsTorch(options: TrainingVsTorchOptions): Promise<TrainingVsTorchRow[]> {
  const rows: TrainingVsTorchRow[] = [];
  for (const c of options.configs) {
    const base = { config: c.id, what: c.what, size: c.size, ngf: c.ngf, blocks: c.blocks, batch: c.batch, torchThreads: options.torchThreads };
    let torch: number | undefined;
    let torchNote: string | undefined;
    try {
      torch = await torchStepS(options, c);
    } catch (error) {
      torchNote = `torch ${failure(error)}`;
    }
    options.log(JSON.stringify({ event: 'torch_step', config: c.id, threads: options.torchThreads, stepS: torch, note: torchNote }));
    for (const threads of options.threads) {
      const loadAvg1m = loadavg()[0] ?? 0;
      try {
        await initBackend({ backend: 'wasm', threads, log: () => undefined });
        const vgg = await loadVggWeights(options.vggDir).catch(() => undefined);
        const ours = tfjsStepS(c, vgg, options.iters);
        disposeVggWeights(vgg);
        rows.push({ ...base, threads, tfjsStepS: ours, torchStepS: torch, ratio: torch === undefined ? undefined : ours / torch, loadAvg1m, note: torchNote });
      } catch (error) {
        rows.push({ ...base, threads, torchStepS: torch, loadAvg1m, note: failure(error) });
      }
      const row = rows.at(-1);
      options.log(JSON.stringify({ event: 'tfjs_step', config: c.id, threads, stepS: row?.tfjsStepS, ratio: row?.ratio }));
    }
  }
  return rows;
}

/** The table: one line per configuration and thread count, then the speed-up of each thread count over 1. */
export function formatTrainingVsTorch(rows: readonly TrainingVsTorchRow[]): string[] {
  const fmt = (v: number | undefined, digits: number): string => (v === undefined ? '-' : v.toFixed(digits));
  const lines = [
    'training step vs PyTorch (ref_torch.py, same network and batch, same run):',
    `${'config'.padEnd(28)} size  ngf blk batch thr  tfjs s/step  torch s/step  ratio  load1m  note`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.what.padEnd(28)} ${String(r.size).padStart(4)} ${String(r.ngf).padStart(4)} ${String(r.blocks).padStart(3)} ${String(r.batch).padStart(5)} ${String(r.threads).padStart(3)} ${fmt(r.tfjsStepS, 2).padStart(12)} ${fmt(r.torchStepS, 2).padStart(13)} ${fmt(r.ratio, 2).padStart(6)} ${r.loadAvg1m.toFixed(1).padStart(7)}  ${r.note ?? ''}`,
    );
  }
  for (const r of rows) {
    const single = rows.find((o) => o.config === r.config && o.threads === 1);
    if (r.threads === 1 || single?.tfjsStepS === undefined || r.tfjsStepS === undefined) continue;
    lines.push(`${r.what}: ${r.threads} threads ${(single.tfjsStepS / r.tfjsStepS).toFixed(2)}× the steps/s of 1 thread`);
  }
  return lines;
}

/** Flags of the standalone run (and of bench/model.ts, which passes its own through). */
export const TRAINING_VS_TORCH_FLAGS = defineFlags({
  threads: { kind: 'integer-list', help: 'thread counts of our wasm backend, each measured', default: [1, 2], min: 1, max: MAX_WASM_THREADS },
  configs: { kind: 'string-list', help: 'configurations to measure', choices: TRAINING_CONFIGS.map((c) => c.id), default: TRAINING_CONFIGS.map((c) => c.id) },
  iters: { kind: 'integer', help: 'timed steps after one warm-up step, on both sides', default: 2, min: 1 },
  python: { kind: 'string', value: 'PATH', help: "a Python with torch (Debian's python3-torch)", default: '/usr/bin/python3' },
  vgg: {
    kind: 'string',
    value: 'DIR',
    help: 'VGG-19 weights (tfjs layers folder)',
    env: 'SIM2REAL_VGG_DIR',
    default: fileURLToPath(new URL('../../../../shared/weights/vgg19-block3', import.meta.url)),
    defaultText: '../shared/weights/vgg19-block3',
  },
});

/** The options from parsed `TRAINING_VS_TORCH_FLAGS` values. */
export function trainingVsTorchOptions(values: FlagValues<typeof TRAINING_VS_TORCH_FLAGS>, log: (line: string) => void): TrainingVsTorchOptions {
  const configs = TRAINING_CONFIGS.filter((c) => values.configs.includes(c.id));
  return { configs, threads: values.threads, torchThreads: 2, iters: values.iters, python: values.python, torchScript: REF_TORCH_SCRIPT, vggDir: values.vgg, log };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseScriptFlags({
    usage: 'npx tsx packages/translation/bench/training-vs-torch.ts [options]   (also the last part of npm run bench:model)',
    description: `Seconds per training step next to PyTorch: the same network and batch in ../shared/bench/ref_torch.py (2 threads),
run in the same benchmark run (interleaved per configuration, as loads drift), with the ratio, for our wasm
backend at each thread count. Prints a table and writes JSON.`,
    flags: defineFlags({ ...TRAINING_VS_TORCH_FLAGS, out: { kind: 'string', value: 'FILE', help: 'where the JSON goes', default: './bench-results/training-vs-torch.json' } }),
  });
  const rows = await benchTrainingVsTorch(trainingVsTorchOptions(values, (line) => void process.stderr.write(`${line}\n`)));
  for (const line of formatTrainingVsTorch(rows)) console.log(line);
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ vggDir: values.vgg, rows }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
