/** End-to-end throughput of the adapter next to the translator's own: `npm run bench:adapter -- --help`. */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createTranslatorClient } from '@sim2real/client';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import { exportOnnx } from '@sim2real/onnx-export';
import { startTranslatorProcess, tinyRegistry, type TranslatorProcess } from '@sim2real/client/testing';
import type { Image, TranslateResponse__Output } from '@sim2real/contracts';
import { createAdapter } from '../src/index.js';
import { ADAPTED_STREAM, DEAD_STREAM, SYNTHETIC_STREAM, provisionStreams, publishBatches, startNatsServer } from '@sim2real/messaging';
import { loggerFrom } from '@sim2real/telemetry';
import { makeBatch, natsClient, streamCount, waitFor } from '../test/helpers.js';

const { values } = parseScriptFlags({
  usage: 'npm run bench:adapter -- [options]',
  description: `End-to-end throughput of the adapter next to the translator's own TranslateStream throughput, on the same
images and the same model, in the deployment shape: the translator in its own process (its container entry point,
services/translator/src/main.ts), the adapter with its production defaults in this process, a nats-server with
JetStream on a temp store. Without --registry or --translator, the model is the paper's architecture (--ngf, --blocks)
trained here for 3 steps on noise (untrained weights cost the same to run) and exported to ONNX, so the translator
runs its default engine. Prints a table, the adapter's counters and one JSON line.`,
  flags: defineFlags({
    batches: { kind: 'integer', help: 'batches published', default: 40, min: 1 },
    'batch-size': { kind: 'integer', help: 'images per batch', default: 32, min: 1 },
    size: { kind: 'integer', help: 'image side in pixels (raw RGB)', default: 64, min: 16 },
    'in-flight': { kind: 'integer', help: "the translator-alone run's requests in flight", default: 4, min: 1 },
    ngf: { kind: 'integer', help: 'width of the bench model', default: 64, min: 1 },
    blocks: { kind: 'integer', help: 'residual blocks of the bench model', default: 9, min: 1 },
    registry: { kind: 'string', value: 'DIR', help: 'serve --model from this registry instead of the bench model' },
    model: { kind: 'string', value: 'NAME', help: 'the model translated', default: 'bench' },
    translator: { kind: 'string', value: 'HOST:PORT', help: 'a running translator to use instead of starting one' },
  }),
});
const { batches, size, model } = values;
const batchSize = values['batch-size'];
const inFlight = values['in-flight'];
const architecture = values.registry ? `model ${model} from ${values.registry}` : `ngf ${values.ngf}, ${values.blocks} residual blocks, ${size} px`;

const CLOCK_TICKS_PER_S = process.platform === 'linux' ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) : 0;

/** CPU time (user + system) a process has used, from /proc (Linux); undefined elsewhere. */
async function cpuMsOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined || !CLOCK_TICKS_PER_S) return undefined;
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

let trained: Awaited<ReturnType<typeof tinyRegistry>> | undefined;
let local: TranslatorProcess | undefined;
if (!values.translator) {
  let registryDir = values.registry;
  if (!registryDir) {
    const started = performance.now();
    trained = await tinyRegistry([model], {
      imageSize: size,
      generatorWidth: values.ngf,
      residualBlocks: values.blocks,
      attentionWidth: values.ngf,
      discriminatorWidth: values.ngf,
      discriminatorDownsamplings: 3,
    });
    registryDir = trained.dir;
    await exportOnnx(path.join(registryDir, model, 'v1'));
    console.error(`trained the bench model (${architecture}, 3 steps) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  // The translator's container entry point in a child process (killed when this process exits, even interrupted).
  local = await startTranslatorProcess(
    { REGISTRY_DIR: registryDir, MAX_BATCH_SIZE: String(batchSize), MAX_IMAGES_PER_REQUEST: String(Math.max(64, batchSize)) },
    120_000,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}
const translatorAddress = values.translator ?? local!.address;
const images: Image[] = makeBatch('bench', 'x', batchSize, size).samples!.map((s) => s.image!);

/** The translator alone: `batches` requests of `batchSize` images over one TranslateStream, `inFlight` at a time. */
async function translatorAlone(): Promise<{ seconds: number; cpuMs: number | undefined }> {
  const client = createTranslatorClient(translatorAddress, { channelOptions: { 'grpc.max_receive_message_length': -1 } });
  const call = client.openTranslateStream();
  const waiting = new Map<string, () => void>();
  call.on('data', (r: TranslateResponse__Output) => waiting.get(r.requestId)?.());
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const requestId = randomUUID();
      waiting.set(requestId, resolve);
      call.write({ requestId, model, images, outputEncoding: 'ENCODING_RAW_RGB8' });
    });
  await one(); // warm-up (model load)
  const started = performance.now();
  const cpuBefore = await cpuMsOf(local?.pid);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < batches) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await cpuMsOf(local?.pid);
  call.end();
  client.close();
  return { seconds, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

const nats = await startNatsServer();
process.once('exit', () => {
  if (nats.pid !== undefined) process.kill(nats.pid, 'SIGKILL');
});
const client = await natsClient(nats.url);
try {
  const alone = await translatorAlone();
  const aloneS = alone.seconds;
  console.error(`translator alone: ${batches} batches in ${aloneS.toFixed(1)} s; now end to end`);
  await provisionStreams(client.jsm);
  const logs: Record<string, number> = {};
  const retryErrors: string[] = [];
  const adapter = await createAdapter({
    natsServers: nats.url,
    translatorAddress,
    routes: [{ dataset: 'bench', model }],
    maxBatchesInFlight: inFlight,
    logger: loggerFrom((_level, event, fields) => {
      logs[event] = (logs[event] ?? 0) + 1;
      if (event === 'batch.retry') retryErrors.push(String(fields.error));
    }),
  });
  // Warm-up batch, then the timed run with everything published up front (consumer lag = the whole run).
  await publishBatches([makeBatch('bench', 'warm', batchSize, size)], { js: client.js, maxPayloadBytes: client.nc.info!.max_payload });
  await waitFor('warm-up', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === 1, 120_000);
  const list = Array.from({ length: batches }, (_, i) => makeBatch('bench', `b${i}`, batchSize, size));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const translatorCpu2 = await cpuMsOf(local?.pid);
  await publishBatches(list, { js: client.js, maxPayloadBytes: client.nc.info!.max_payload });
  await waitFor('all adapted', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === batches + 1, 600_000);
  const endToEndS = (performance.now() - started) / 1000;
  const translatorCpu3 = await cpuMsOf(local?.pid);
  // CPU time of this process (adapter, publisher, polling) per batch: the adapter path's own cost, whatever else runs.
  const cpu = process.cpuUsage(cpuBefore);
  const adapterCpuMsPerBatch = (cpu.user + cpu.system) / 1000 / batches;
  const stats = adapter.stats();
  await adapter.stop();
  const dead = await streamCount(client.jsm, DEAD_STREAM);
  const synthetic = await streamCount(client.jsm, SYNTHETIC_STREAM);
  const row = (name: string, s: number) => ({ name, seconds: s, batchesPerS: batches / s, imagesPerS: (batches * batchSize) / s });
  const rows = [row('translator alone (TranslateStream)', aloneS), row('end to end (NATS → adapter → translator → NATS)', endToEndS)];
  const overheadPct = (1 - rows[0]!.seconds / rows[1]!.seconds) * 100;
  const translator = local ? `own process (services/translator/src/main.ts), ${architecture}` : `${translatorAddress} model ${model}`;
  const listenerWarnings = (local?.stderr().match(/MaxListenersExceededWarning/g) ?? []).length;
  // On a shared machine wall time swings with the neighbours' load; CPU time per batch does not.
  const perBatch = (from: number | undefined, to: number | undefined): number | undefined =>
    from === undefined || to === undefined ? undefined : (to - from) / batches;
  const translatorCpuMsPerBatch = { alone: perBatch(0, alone.cpuMs), endToEnd: perBatch(translatorCpu2, translatorCpu3) };
  const cpuOverheadPct = translatorCpuMsPerBatch.alone && (adapterCpuMsPerBatch / translatorCpuMsPerBatch.alone) * 100;
  const counters = {
    adapterCpuMsPerBatch,
    translatorCpuMsPerBatch,
    cpuOverheadPct,
    redelivered: stats.redelivered,
    naks: stats.retried,
    duplicates: stats.duplicates,
    deadLettered: stats.deadLettered,
    adapted: stats.batchesAdapted,
    logEvents: logs,
    retryErrors,
    ...(local ? { translatorListenerWarnings: listenerWarnings } : {}),
  };
  console.log(`\n${batches} batches × ${batchSize} images, ${size}×${size} raw RGB, ${inFlight} in flight, translator: ${translator}`);
  console.log('| path | seconds | batches/s | images/s |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.name} | ${r.seconds.toFixed(1)} | ${r.batchesPerS.toFixed(2)} | ${r.imagesPerS.toFixed(1)} |`);
  console.log(`adapter path costs ${overheadPct.toFixed(1)} % of the translator's throughput (goal ≤ 15 %)`);
  if (cpuOverheadPct !== undefined) {
    console.log(`CPU per batch: translator ${translatorCpuMsPerBatch.alone!.toFixed(0)} ms alone, ${translatorCpuMsPerBatch.endToEnd!.toFixed(0)} ms end to end; adapter (with publisher and polling) ${adapterCpuMsPerBatch.toFixed(0)} ms = ${cpuOverheadPct.toFixed(1)} % of the translator's`);
  }
  console.log(`adapter: ${JSON.stringify(counters)}`);
  console.log(JSON.stringify({ bench: 'adapter', batches, batchSize, size, inFlight, translator, architecture, rows, overheadPct, ...counters, dead, synthetic }));
} finally {
  await client.nc.close();
  await local?.stop();
  await trained?.remove();
  await nats.close();
}
