/**
 * Chaos soak of the adapter path: real nats-server, translator and adapter processes, SIGKILLed, restarted and
 * frozen on a seeded schedule while batches are published at a fixed rate; then every batch is checked.
 *
 *   npm run bench:chaos -- --minutes N --seed S [--rate R] [--batch-size N] [--out FILE] [--no-baseline]
 *
 * Runs a fault-free run of the same length and seed first (the throughput reference), then the run with faults.
 * Prints progress lines (JSON, stderr), a table and one JSON line; --out writes the JSON to a file. Exits 1 when a
 * batch was lost, duplicated, mislabelled or wrongly dead-lettered.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { tinyRegistry } from '@sim2real/client/testing';
import { formatReport, faultCounts, passed } from './chaos/report.js';
import { CHAOS_MODEL, runChaos, type ChaosRunOptions, type ChaosRunResult } from './chaos/run.js';

const USAGE = `Usage: npm run bench:chaos -- --minutes N --seed S [--rate R] [--batch-size N] [--out FILE] [--no-baseline]

Options:
  --minutes N       length of each run (publishing time; the drain comes on top)      [default: 10]
  --seed S          seeds the fault schedule and the poison batches' positions        [default: 1]
  --rate R          batches published per second                                      [default: 4]
  --batch-size N    samples (16 px raw RGB) per batch                                 [default: 4]
  --out FILE        also write the JSON result there
  --no-baseline     skip the fault-free run (no throughput ratio)
  --help            this text
`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    rate: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '4' },
    out: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const number = (name: 'minutes' | 'seed' | 'rate' | 'batch-size', min: number): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min) {
    process.stderr.write(`--${name} must be a number ≥ ${min}, got "${values[name]}".\n`);
    process.exit(2);
  }
  return value;
};
const minutes = number('minutes', 0.5);
const settings = {
  minutes,
  seed: Math.floor(number('seed', 0)),
  ratePerS: number('rate', 0.1),
  samplesPerBatch: Math.floor(number('batch-size', 1)),
  // The backlog of the translator's outage has to be worked off after it.
  drainTimeoutMs: Math.max(120_000, minutes * 60_000),
  progressIntervalMs: 10_000,
  adapterAckWaitMs: 10_000,
  log: (event: string, fields: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ event, ...fields })}\n`),
};

// Ctrl-C: exit, so the children's exit hooks kill them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
const registry = await tinyRegistry([CHAOS_MODEL]);
let baseline: ChaosRunResult | undefined;
let chaos: ChaosRunResult;
try {
  const run = (faults: boolean): Promise<ChaosRunResult> => runChaos({ ...settings, registryDir: registry.dir, faults } satisfies ChaosRunOptions);
  if (!values['no-baseline']) baseline = await run(false);
  chaos = await run(true);
} finally {
  await registry.remove();
}
console.log(formatReport({ baseline, chaos }));
const json = JSON.stringify({
  bench: 'chaos',
  minutes,
  seed: settings.seed,
  ratePerS: settings.ratePerS,
  samplesPerBatch: settings.samplesPerBatch,
  adapterAckWaitMs: settings.adapterAckWaitMs,
  faults: faultCounts(chaos),
  throughputRatio: baseline ? chaos.batchesPerS / baseline.batchesPerS : undefined,
  passed: passed(chaos),
  baseline,
  chaos,
});
console.log(json);
if (values.out) await writeFile(values.out, `${json}\n`);
process.exit(passed(chaos) ? 0 : 1);
