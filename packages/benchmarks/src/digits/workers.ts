import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BenchIo } from '../io.js';
import type { SeedPhases, SeedResult } from './rows.js';
import { WORKER_EVENT_FD, parseWorkerEvent, type WorkerRequest } from './worker-events.js';

/** The worker's executable (it loads the TypeScript through tsx). */
const WORKER_BIN = fileURLToPath(new URL('../../bin/digits-worker.js', import.meta.url));

/** Runs `work` on every item with at most `limit` at once. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/**
 * One seed in a worker process: its text output goes to `io.stderr`, its progress events too (as JSON lines, with
 * the seed), and its `seed.done` event is the result. A malformed or unknown event stops the worker and fails.
 */
export function runSeedInWorker(request: WorkerRequest, io: BenchIo): Promise<{ result: SeedResult; phases: SeedPhases }> {
  const child = spawn(process.execPath, [WORKER_BIN, JSON.stringify(request)], { env: io.env, signal: io.signal, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  child.stdout!.pipe(io.stderr, { end: false });
  child.stderr!.pipe(io.stderr, { end: false });
  return new Promise((resolve, reject) => {
    let done: { result: SeedResult; phases: SeedPhases } | undefined;
    let failure: Error | undefined;
    const lines = createInterface({ input: child.stdio[WORKER_EVENT_FD] as Readable, crlfDelay: Infinity });
    lines.on('line', (line) => {
      try {
        const event = parseWorkerEvent(line);
        if (event.event === 'seed.done') done = { result: event.result, phases: event.phases };
        else io.stderr.write(`${JSON.stringify({ event: 'progress', seed: request.seed, label: event.label, done: event.done, total: event.total, rate: event.rate, unit: event.unit, etaS: event.etaS, ...event.fields })}\n`);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        child.kill();
      }
    });
    const closed = new Promise((resolveClosed) => lines.once('close', resolveClosed));
    child.on('error', reject);
    child.on('exit', (code) => {
      void closed.then(() => {
        if (failure !== undefined) reject(new Error(`The worker for seed ${request.seed} reported a bad event: ${failure.message}`, { cause: failure }));
        else if (code === 0 && done) resolve(done);
        else reject(new Error(`The worker for seed ${request.seed} exited with code ${String(code)}${code === 0 ? ' without its result' : ''}.`));
      });
    });
  });
}
