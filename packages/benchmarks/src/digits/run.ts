import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodePng } from '@sim2real/imaging';
import { defaultTrainingThreads, initBackend } from '@sim2real/tensor';
import type { BenchIo } from '../io.js';
import { formatTable } from '../report.js';
import { stderrReporter } from '../reporter.js';
import { digitsConfig, digitsOutDir, type DigitsConfig, type DigitsFlags } from './config.js';
import { DOMAIN_NAMES, GOALS, TRANSLATED_ROWS, isTranslatedRow, metricsOf, rowsOf, trainedOn, type Metric, type SeedPhases, type SeedResult, type TranslatedRow } from './rows.js';
import { runSeed, seedStripFile } from './seed.js';
import { pool, runSeedInWorker } from './workers.js';

interface Summary {
  mean: number;
  std: number;
  min: number;
  max: number;
}

function summarise(values: readonly number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The digits benchmark (the paper's Table 3): every seed, in worker processes when `--parallel` runs several at
 * once, then OUT/results.json, OUT/strip.png and the table on stdout.
 */
export async function runDigitsBenchmark(flags: DigitsFlags, io: BenchIo): Promise<void> {
  const config = await digitsConfig(flags);
  const outDir = digitsOutDir(flags);
  const inWorkers = config.parallel > 1 && config.seeds.length > 1;
  const backend = await initBackend({ backend: flags.backend, threads: inWorkers ? 1 : (flags.threads ?? defaultTrainingThreads()) });
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  const outcomes = new Map<number, { result: SeedResult; phases: SeedPhases }>();
  await pool(config.seeds, config.parallel, async (seed) => {
    io.stderr.write(`${JSON.stringify({ event: 'seed', seed, seeds: config.seeds, parallel: config.parallel })}\n`);
    if (inWorkers) {
      outcomes.set(seed, await runSeedInWorker({ config, seed, outDir, backend: flags.backend, threads: flags.threads ?? 1 }, io));
      return;
    }
    const outcome = await runSeed(config, seed, outDir, stderrReporter(io), io.signal);
    await writeFile(seedStripFile(outDir, seed), await encodePng(outcome.strip));
    outcomes.set(seed, outcome);
  });
  const perSeed = config.seeds.map((seed) => outcomes.get(seed)!.result);
  const phases = { wall: {} as Record<string, number>, cpu: {} as Record<string, number> };
  for (const seed of config.seeds) {
    const seedPhases = outcomes.get(seed)!.phases;
    for (const kind of ['wall', 'cpu'] as const) {
      for (const [phase, seconds] of Object.entries(seedPhases[kind])) phases[kind][phase] = Math.round(((phases[kind][phase] ?? 0) + seconds) * 10) / 10;
    }
  }
  const stripFile = path.join(outDir, 'strip.png');
  await writeFile(stripFile, await readFile(seedStripFile(outDir, config.seeds[0]!)));

  const metrics = metricsOf(config);
  const stats = Object.fromEntries(metrics.map((m) => [m, summarise(perSeed.map((r) => r[m]!))])) as Record<Metric, Summary>;
  const mean = (m: Metric): number => stats[m].mean;
  const gap = mean('oracle') - mean('source_only');
  const gapClosed = (row: TranslatedRow): number => (gap > 0 ? (mean(row) - mean('source_only')) / gap : Number.NaN);
  const translatedRows = rowsOf(config).filter(isTranslatedRow);
  const names = DOMAIN_NAMES[config.dataset];
  const goal = GOALS[config.dataset];
  const results = {
    benchmark: `${config.dataset}: ${names.source} → ${names.target} classification (the paper Table 3 setting)`,
    config,
    seeds: config.seeds,
    backend,
    wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    // Summed over the seeds; with --parallel they overlapped in wall time.
    phases: phases.wall,
    phases_cpu_s: phases.cpu,
    ...Object.fromEntries(metrics.map((m) => [m, mean(m)])),
    spread: Object.fromEntries(metrics.map((m) => [m, stats[m]])),
    gap_closed: Object.fromEntries(translatedRows.map((row) => [row, gapClosed(row)])) as Partial<Record<TranslatedRow, number>>,
    goals: {
      [`final_closes_${100 * goal.gapClosed}_percent_of_the_gap`]: gapClosed('final') >= goal.gapClosed,
      ...(goal.labelPreservation === undefined
        ? {}
        : { [`label_preservation_at_least_${100 * goal.labelPreservation}_percent`]: mean('label_preservation') >= goal.labelPreservation }),
      ...(goal.labelConsistent === undefined || !config.labelConsistent
        ? {}
        : {
            [`label_consistent_closes_${100 * goal.labelConsistent.gapClosed}_percent_of_the_gap`]: gapClosed('label_consistent') >= goal.labelConsistent.gapClosed,
            [`label_consistent_label_preservation_at_least_${100 * goal.labelConsistent.labelPreservation}_percent`]:
              mean('label_preservation_label_consistent') >= goal.labelConsistent.labelPreservation,
          }),
    },
    per_seed: perSeed,
    paper: { source_only: null, target_only: 0.964, ours: 0.9833, cyclegan: 0.9316, pixelda: 0.982 },
    strip: stripFile,
  };
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  io.stdout.write(digitsTable(config, stats, perSeed, backend.name));
  io.stdout.write(
    `gap closed (source only → oracle): ${translatedRows.map((row) => `${row} ${(100 * gapClosed(row)).toFixed(0)} %`).join(', ')} (goal ≥ ${100 * goal.gapClosed} %); ` +
      `label preservation ${(100 * mean('label_preservation')).toFixed(1)} %${goal.labelPreservation === undefined ? '' : ` (goal ≥ ${100 * goal.labelPreservation} %)`}\n`,
  );
  io.stdout.write(`results: ${path.join(outDir, 'results.json')}\nstrip:   ${stripFile}\n`);
}

/** The heading and the table of accuracies (mean ± std over the seeds, then each seed's). */
function digitsTable(config: DigitsConfig, stats: Record<Metric, Summary>, perSeed: readonly SeedResult[], backendName: string): string {
  const names = DOMAIN_NAMES[config.dataset];
  const percent = (m: Metric): string => {
    if (!(m in stats)) return '—';
    const s = stats[m];
    return config.seeds.length > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : (100 * s.mean).toFixed(1);
  };
  const heading =
    `\n${names.source} → ${names.target} benchmark, preset ${config.preset}: accuracy (%) on ${config.targetTest} ${names.target} test ${names.items}, ` +
    `seeds ${config.seeds.join(',')} (${backendName}; ± = std over seeds)\n`;
  return (
    heading +
    formatTable(
      ['row', 'trained on', 'accuracy %', 'labels kept %', ...config.seeds.map((s) => `seed ${s}`)],
      [...rowsOf(config), 'label_preservation' as const].map((m) => [
        m,
        m === 'label_preservation' ? `oracle classifier on G(${names.source}) vs source labels` : trainedOn(m, config.dataset),
        percent(m),
        m !== 'label_preservation' && isTranslatedRow(m) ? percent(TRANSLATED_ROWS[m]) : '—',
        ...perSeed.map((r) => (100 * r[m]!).toFixed(1)),
      ]),
    )
  );
}
