/** A worker process of the digits benchmark: runs the seed of its request and reports on file descriptor 3. */
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { encodePng } from '@sim2real/imaging';
import { Progress } from '@sim2real/progress';
import { initBackend } from '@sim2real/tensor';
import { processIo } from '../script.js';
import { runSeed, seedStripFile } from './seed.js';
import { WORKER_EVENT_FD, seedDoneLine, type WorkerRequest } from './worker-events.js';

const io = processIo();
const request = JSON.parse(process.argv[2] ?? '') as WorkerRequest;
// Written synchronously: the classifier's steps never yield to the event loop, and an async stream would hold
// every progress line until its 1000 steps are done.
const events = new Writable({
  write(chunk: Buffer, _encoding, done) {
    writeSync(WORKER_EVENT_FD, chunk);
    done();
  },
});
await initBackend({ backend: request.backend, threads: request.threads });
const outcome = await runSeed(request.config, request.seed, request.outDir, {
  progress: (label, total, unit) => new Progress({ label, total, unit, stream: events, interactive: false }),
  warn: (message) => io.stderr.write(`warning: ${message}\n`),
}, io.signal);
await writeFile(seedStripFile(request.outDir, request.seed), await encodePng(outcome.strip));
await new Promise<void>((resolve) => events.end(seedDoneLine(outcome.result, outcome.phases), resolve));
