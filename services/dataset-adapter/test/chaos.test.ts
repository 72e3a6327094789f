import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultCounts, formatReport } from '../bench/chaos/report.js';
import { CHAOS_MODEL, runChaos } from '../bench/chaos/run.js';
import { POISON_KINDS } from '../bench/chaos/publisher.js';
import { tinyRegistry } from '@sim2real/client/testing';

// The one-minute version of `npm run bench:chaos`: the same code and processes, the schedule scaled to a minute
// (2 SIGKILLs and 1 SIGSTOP/SIGCONT pause of each process, a 31.5 s translator outage). Only outcomes are asserted,
// never timings: on a loaded 2-core machine each restart may take seconds.
void test('chaos soak, one minute: every batch adapted exactly once, only poison dead, every fault survived', { timeout: 600_000 }, async () => {
  const registry = await tinyRegistry([CHAOS_MODEL]);
  try {
    const result = await runChaos({
      registryDir: registry.dir,
      minutes: 1,
      seed: 7,
      faults: true,
      ratePerS: 3,
      samplesPerBatch: 3,
      drainTimeoutMs: 300_000,
      progressIntervalMs: 15_000,
      adapterAckWaitMs: 5000,
      log: (event, fields) => process.stderr.write(`${JSON.stringify({ event, ...fields })}\n`),
    });
    process.stderr.write(`${formatReport({ chaos: result })}\n`);
    const { check } = result;
    assert.ok(result.drained, 'every batch was settled before the drain timeout');
    assert.deepEqual(check.lost, []);
    assert.deepEqual(check.duplicated, []);
    assert.deepEqual(check.labelMismatches, []);
    assert.deepEqual(check.wronglyDead, []);
    assert.deepEqual(check.poisonNotDead, []);
    assert.equal(check.poison, POISON_KINDS.length);
    assert.equal(check.adaptedOnce, check.published - check.poison);
    assert.equal(check.syntheticMessages, check.published, 'publish retries were de-duplicated');
    for (const row of faultCounts(result)) assert.ok(row.survived >= 1, `${row.fault}: ${row.survived} applied`);
    assert.deepEqual(
      faultCounts(result).map((r) => r.fault),
      ['translator kill', 'translator pause', 'translator outage', 'adapter kill', 'adapter pause', 'nats kill', 'nats pause'],
    );
  } finally {
    await registry.remove();
  }
});
