/** Chaos soak of the adapter path: `npm run bench:chaos -- --help`. */
import { writeFile } from 'node:fs/promises';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import { tinyRegistry } from '@sim2real/client/testing';
import { formatReport, faultCounts, passed } from './chaos/report.js';
import { CHAOS_MODEL, runChaos, type ChaosRunOptions, type ChaosRunResult } from './chaos/run.js';

const { values } = parseScriptFlags({
  usage: 'npm run bench:chaos -- --minutes N --seed S [options]',
  description: `Chaos soak of the adapter path: real nats-server, translator and adapter processes, SIGKILLed, restarted and
frozen on a seeded schedule while batches are published at a fixed rate; then every batch is checked. A fault-free
run of the same length and seed comes first (the throughput reference). Prints progress lines (JSON, stderr), a
table and one JSON line. Exits 1 when a batch was lost, duplicated, mislabelled or wrongly dead-lettered.`,
  flags: defineFlags({
    minutes: { kind: 'number', help: 'length of each run (publishing time; the drain comes on top)', default: 10, min: 0.5 },
    seed: { kind: 'integer', help: "seeds the fault schedule and the poison batches' positions", default: 1 },
    rate: { kind: 'number', value: 'R', help: 'batches published per second', default: 4, min: 0.1 },
    'batch-size': { kind: 'integer', help: 'samples (16 px raw RGB) per batch', default: 4, min: 1 },
    out: { kind: 'string', value: 'FILE', help: 'also write the JSON result there' },
    'no-baseline': { kind: 'boolean', help: 'skip the fault-free run (no throughput ratio)' },
  }),
});
const { minutes } = values;
const settings = {
  minutes,
  seed: values.seed,
  ratePerS: values.rate,
  samplesPerBatch: values['batch-size'],
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
