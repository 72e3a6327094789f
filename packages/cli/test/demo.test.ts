import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN } from './cli.js';

// Smaller still than --quick: a few batches of 32 px faces, a 3-step generator.
const TINY = ['--quick', '--size', '32', '--faces', '32', '--batch', '16', '--generator-faces', '16', '--generator-steps', '3', '--test-faces', '16', '--steps-per-batch', '1'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sim2real demo` as a real process (its own nats-server: no NATS_URL); `onStderr` may signal it. */
function demo(args: string[], onStderr?: (text: string, signal: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  const env = { ...process.env };
  delete env.NATS_URL;
  const child = spawn(process.execPath, [BIN, 'demo', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, (s) => child.kill(s));
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every pid the demo reported on its status lines (nats-server, translator, adapter, regressors, publisher). */
const reportedPids = (stderr: string): number[] => [...new Set([...stderr.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1])))];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let data: string;
before(async () => {
  data = await mkdtemp(path.join(tmpdir(), 'sim2real-demo-test-'));
});
after(async () => {
  await rm(data, { recursive: true, force: true });
});

void test('demo --quick runs the pipeline end to end, prints the MSE table and leaves no process behind', { timeout: 300_000 }, async () => {
  const run = await demo([...TINY, '--data', data]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^sim \(baseline\)\s+untranslated sim renders\s+\d+\.\d{4}$/m);
  assert.match(run.stdout, /^adapted \(ours\)\s+sim renders translated by faces-[0-9a-f]{10}@\d{8}T\d{6}Z\s+\d+\.\d{4}$/m);
  for (const stage of ['nats', 'translator', 'faces', 'generator', 'adapter', 'publish', 'regress-adapted', 'regress-sim', 'samples']) {
    assert.match(run.stderr, new RegExp(`^✓ ${stage} `, 'm'), `stage ${stage} finished`);
  }
  assert.match(run.stderr, /batches adapted 2\/2/);
  assert.match(run.stderr, /^✓ translator\s+\S+\s+serving 127\.0\.0\.1:\d+ with TLS and tokens /m, 'the translator ran with TLS and tokens, and every client got through');

  const resultsFile = /^results: (.+)$/m.exec(run.stdout)?.[1];
  assert.ok(resultsFile);
  const results = JSON.parse(await readFile(resultsFile, 'utf8')) as { pids: Record<string, number>; samples: string; adaptedMse: number; simMse: number; localNats: boolean };
  assert.equal(results.localNats, true);
  assert.ok(results.adaptedMse > 0 && results.simMse > 0);
  assert.deepEqual((await readFile(results.samples)).subarray(1, 4).toString(), 'PNG');
  assert.deepEqual(Object.keys(results.pids).sort(), ['adapter', 'nats', 'publish', 'regress-adapted', 'regress-sim', 'translator']);
  const pids = reportedPids(run.stderr);
  assert.deepEqual(pids.sort(), Object.values(results.pids).sort());
  assert.deepEqual(pids.filter(alive), [], 'no process left behind');
  const natsDir = /JetStream in ([^)]+)\)/.exec(run.stderr)?.[1];
  assert.ok(natsDir && !existsSync(natsDir), 'the temporary JetStream folder is removed');
});

void test('a second run reuses the cached generator, and SIGTERM mid-run stops every process', { timeout: 300_000 }, async () => {
  let signalled = false;
  const run = await demo([...TINY, '--data', data], (stderr, signal) => {
    // Once the consumers are up: the translator, adapter and regressors are all running.
    if (!signalled && /^… publish /m.test(stderr)) {
      signalled = true;
      signal('SIGTERM');
    }
  });
  assert.match(run.stderr, /^- generator .*cached faces-[0-9a-f]{10}@/m);
  assert.equal(signalled, true, run.stderr);
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /interrupted; every process it started is stopped/);
  const pids = reportedPids(run.stderr);
  assert.ok(pids.length >= 5, `pids reported: ${pids.join(', ')}`);
  assert.deepEqual(pids.filter(alive), [], 'no process left behind');
});
