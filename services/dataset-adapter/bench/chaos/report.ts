import { CHAOS_TARGETS } from './schedule.js';
import type { ChaosRunResult } from './run.js';

/** Faults applied per `target kind` (e.g. `translator kill`), planned ones included for comparison. */
export function faultCounts(result: ChaosRunResult): { fault: string; planned: number; survived: number }[] {
  const kinds = ['kill', 'pause', 'outage'] as const;
  return CHAOS_TARGETS.flatMap((target) =>
    kinds
      .map((kind) => ({
        fault: `${target} ${kind}`,
        planned: result.schedule.faults.filter((f) => f.target === target && f.kind === kind).length,
        survived: result.applied.filter((f) => f.target === target && f.kind === kind).length,
      }))
      .filter((row) => row.planned > 0),
  );
}

/** Whether a run met the soak's bar: nothing lost, duplicated, mislabelled or wrongly dead, every poison batch dead, all settled. */
export function passed(result: ChaosRunResult): boolean {
  const c = result.check;
  return result.drained && c.lost.length === 0 && c.duplicated.length === 0 && c.labelMismatches.length === 0 && c.wronglyDead.length === 0 && c.poisonNotDead.length === 0;
}

/** The soak's table: faults survived per kind, then the batch verdicts and throughput of each run. */
export function formatReport(runs: { baseline?: ChaosRunResult; chaos: ChaosRunResult }): string {
  const { baseline, chaos } = runs;
  const lines = [
    `chaos soak: ${chaos.minutes} min, seed ${chaos.seed}, nats-server ${chaos.natsServerVersion} (sync_interval: always ${chaos.syncAlways ? 'on' : 'not supported by this server'}), translator outage ${(chaos.schedule.outageMs / 1000).toFixed(0)} s${chaos.schedule.outageScaled ? ' (scaled to the run)' : ''}`,
    '',
    '| fault | planned | survived |',
    '| --- | --- | --- |',
    ...faultCounts(chaos).map((r) => `| ${r.fault} | ${r.planned} | ${r.survived} |`),
    `unplanned restarts: ${JSON.stringify(chaos.unplannedRestarts)}; the last fault ended ${chaos.faultsOverrunSeconds.toFixed(0)} s after publishing`,
    '',
    '| run | published | poison | adapted once | lost | duplicated | label mismatches | dead (poison) | dead wrongly | seconds | drain s | batches/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...[baseline, chaos].filter((r) => r !== undefined).map(row),
  ];
  if (baseline) lines.push('', `throughput with faults: ${((100 * chaos.batchesPerS) / baseline.batchesPerS).toFixed(1)} % of the fault-free run (goal ≥ 50 %)`);
  for (const d of chaos.check.deadPoison) lines.push(`dead poison ${d.batchId}: ${d.kind}: ${d.reason}`);
  for (const d of chaos.check.wronglyDead) lines.push(`WRONGLY DEAD ${d.batchId}: ${d.kind}: ${d.reason}`);
  if (chaos.check.lost.length > 0) lines.push(`LOST: ${chaos.check.lost.slice(0, 20).join(' ')}`);
  if (chaos.check.duplicated.length > 0) lines.push(`DUPLICATED: ${chaos.check.duplicated.slice(0, 20).join(' ')}`);
  lines.push(passed(chaos) ? 'verdict: pass' : 'verdict: FAIL');
  return lines.join('\n');
}

function row(r: ChaosRunResult): string {
  const c = r.check;
  return `| ${r.faults ? 'with faults' : 'fault-free'} | ${c.published} | ${c.poison} | ${c.adaptedOnce} | ${c.lost.length} | ${c.duplicated.length} | ${c.labelMismatches.length} | ${c.deadPoison.length} | ${c.wronglyDead.length} | ${r.seconds.toFixed(1)} | ${r.drainSeconds.toFixed(1)}${r.drained ? '' : ' (timed out)'} | ${r.batchesPerS.toFixed(2)} |`;
}
