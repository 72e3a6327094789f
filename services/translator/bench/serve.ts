/** Serving throughput and latency over gRPC per engine, next to PyTorch: `npm run bench:serve -- --help`. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import { decodeImage, encodePng, resizeImage } from '@sim2real/imaging';
import type { RgbImage } from '@sim2real/imaging';
import { loadEngine, runTorchReference, translateImages } from '@sim2real/inference';
import type { EngineKind } from '@sim2real/inference';
import { exportOnnx } from '@sim2real/onnx-export';
import { initBackend } from '@sim2real/tensor';
import { loggerFrom } from '@sim2real/telemetry';
import { readModelManifest, resolveTranslationConfig } from '@sim2real/translation';
import { writeUntrainedModel } from '@sim2real/translation/testing';
import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { createTranslatorServer } from '../src/index.js';

const { values: args } = parseScriptFlags({
  usage: 'npm run bench:serve -- [options]',
  description: `For each inference engine (onnx = onnxruntime-node, tfjs): images/s and p50/p99 latency of Translate over gRPC
for 1, 4 and 16 concurrent TranslateStreams (each keeping --depth one-image requests in flight), next to the same
model called in-process (decode, engine, encode; at batch 1 and at the largest micro-batch), then the same streams
while a training job runs in the server. Every rate is also a ratio to the PyTorch reference of the same network
(../shared/bench/ref_torch.py --no-train, 2 threads) run in the same process tree. Prints a table and writes JSON.`,
  flags: defineFlags({
    size: { kind: 'integer', help: "image size of the default model (the paper's architecture, untrained)", default: 64, min: 16 },
    seconds: { kind: 'number', value: 'S', help: 'seconds per measured scenario', default: 10, min: 1 },
    streams: { kind: 'integer-list', help: 'concurrent TranslateStreams per scenario', default: [1, 4, 16], min: 1 },
    depth: { kind: 'integer', help: 'one-image requests each stream keeps in flight', default: 2, min: 1 },
    'max-batch': { kind: 'integer', help: "the server's largest micro-batch (and the in-process batch)", default: 16, min: 1 },
    model: { kind: 'string', value: 'DIR', help: 'a model version folder to serve instead of the untrained default' },
    out: { kind: 'string', value: 'FILE', help: 'where the JSON goes', default: path.join(os.tmpdir(), 'sim2real-bench-serve.json') },
    'no-training': { kind: 'boolean', help: 'skip the scenario with a training job running' },
    engines: { kind: 'string-list', help: 'engines to measure', choices: ['onnx', 'tfjs'], default: ['onnx', 'tfjs'] },
    threads: { kind: 'integer', help: 'onnxruntime-node threads', default: os.availableParallelism(), defaultText: 'the cores', min: 1 },
    python: { kind: 'string', value: 'PATH', help: 'a Python that imports torch', defaultText: 'python3, then /usr/bin/python3' },
    'torch-script': { kind: 'string', value: 'FILE', help: 'the PyTorch reference', default: fileURLToPath(new URL('../../../../shared/bench/ref_torch.py', import.meta.url)), defaultText: '../shared/bench/ref_torch.py' },
  }),
});
const { engines, threads, size, seconds, depth } = args;
const streamCounts = args.streams;
const maxBatch = args['max-batch'];

function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24;
  }
  return { width, height, data };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  engine: EngineKind | 'pytorch';
  scenario: string;
  streams: number | '-';
  imagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanBatch?: number;
  ratioToPytorch?: number;
}

const work = path.join(os.tmpdir(), `sim2real-bench-serve-${process.pid}`);
const backend = await initBackend({ backend: (process.env.TFJS_BACKEND as 'auto' | undefined) ?? 'auto' });
process.stderr.write(`backend: ${backend.name} (${backend.package})\n`);

let modelDir = args.model;
if (!modelDir) {
  modelDir = path.join(work, 'registry', 'bench', 'v1');
  process.stderr.write(`initialising the paper's architecture at ${size} px (untrained) ...\n`);
  await writeUntrainedModel(modelDir, { preset: 'paper', imageSize: size });
}
if (engines.includes('onnx') && (await readModelManifest(modelDir)).onnx === undefined) await exportOnnx(modelDir);
const modelConfig = (await readModelManifest(modelDir)).config;
const torch = await runTorchReference(resolveTranslationConfig(modelConfig), maxBatch, { script: args['torch-script'], pythons: args.python ? [args.python] : ['python3', '/usr/bin/python3'], threads: 2 });
const torchRate = torch.ok ? torch.reference.translateImagesPerSecond : undefined;
process.stderr.write(torch.ok ? `pytorch reference (${torch.reference.framework}, 2 threads, batch ${maxBatch}): ${torchRate} img/s\n` : `pytorch reference skipped: ${torch.skipped}\n`);
const registryDir = path.dirname(path.dirname(modelDir));
// name@version: an untrained (or any partial) version serves only by its explicit version.
const modelName = `${path.basename(path.dirname(modelDir))}@${path.basename(modelDir)}`;
const png = await encodePng(noise(size, size, 7));

/** In-process: decode → stretch → engine → output → encode, `batch` images per call, for `seconds`. */
async function inProcess(kind: EngineKind, batch: number): Promise<Row> {
  const engine = await loadEngine(modelDir!, { engine: kind, threads });
  const latencies: number[] = [];
  let images = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const t0 = performance.now();
    const decoded = await Promise.all(Array.from({ length: batch }, () => decodeImage(png)));
    const outputs = await translateImages(engine, decoded);
    await Promise.all(outputs.map(async (o, i) => encodePng(await resizeImage(o.image, decoded[i]!.width, decoded[i]!.height))));
    latencies.push(performance.now() - t0);
    images += batch;
  }
  const elapsed = (performance.now() - started) / 1000;
  await engine.dispose();
  latencies.sort((a, b) => a - b);
  return { engine: kind, scenario: `in-process, batch ${batch}`, streams: '-', imagesPerSecond: images / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** `streams` TranslateStreams, each keeping `depth` one-image requests in flight, for `seconds`. */
async function overGrpc(kind: EngineKind, client: TranslatorClient, streams: number, label: string, batches: () => { count: number; images: number }): Promise<Row> {
  const latencies: number[] = [];
  let images = 0;
  const before = batches();
  const endAt = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, (_, s) => {
      const stream = client.raw.translateStream();
      const sentAt = new Map<string, number>();
      let next = 0;
      const send = (): void => {
        const id = `${s}-${next++}`;
        sentAt.set(id, performance.now());
        stream.write({ requestId: id, model: modelName, images: [{ data: png, encoding: 'ENCODING_PNG' }] });
      };
      return new Promise<void>((resolve, reject) => {
        stream.on('data', (response: { requestId: string; results: unknown[] }) => {
          latencies.push(performance.now() - sentAt.get(response.requestId)!);
          sentAt.delete(response.requestId);
          images += response.results.length;
          if (performance.now() < endAt) send();
          else if (sentAt.size === 0) stream.end();
        });
        stream.on('end', resolve);
        stream.on('error', reject);
        for (let i = 0; i < depth; i++) send();
      });
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const after = batches();
  latencies.sort((a, b) => a - b);
  return {
    engine: kind,
    scenario: label,
    streams,
    imagesPerSecond: images / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanBatch: (after.images - before.images) / Math.max(1, after.count - before.count),
  };
}

const rows: Row[] = [];
const print = (row: Row): void => {
  if (torchRate !== undefined) row.ratioToPytorch = row.imagesPerSecond / torchRate;
  rows.push(row);
  const ratio = row.ratioToPytorch === undefined ? '' : `  ${row.ratioToPytorch.toFixed(2)}x pytorch`;
  process.stderr.write(`${row.engine.padEnd(7)} ${row.scenario.padEnd(28)} ${String(row.streams).padStart(3)}  ${row.imagesPerSecond.toFixed(2).padStart(8)} img/s  p50 ${row.p50Ms.toFixed(0).padStart(6)} ms  p99 ${row.p99Ms.toFixed(0).padStart(6)} ms${row.meanBatch ? `  mean batch ${row.meanBatch.toFixed(1)}` : ''}${ratio}\n`);
};
if (torchRate !== undefined) rows.push({ engine: 'pytorch', scenario: `forward, batch ${maxBatch}`, streams: '-', imagesPerSecond: torchRate, p50Ms: NaN, p99Ms: NaN, ratioToPytorch: 1 });

const data = path.join(work, 'data');
for (const domain of ['source', 'target']) {
  await mkdir(path.join(data, domain), { recursive: true });
  for (let i = 0; i < 4; i++) await writeFile(path.join(data, domain, `${i}.png`), await encodePng(noise(size, size, i + (domain === 'source' ? 10 : 20))));
}

for (const kind of engines) {
  print(await inProcess(kind, 1));
  print(await inProcess(kind, maxBatch));

  const server = createTranslatorServer(
    { host: '127.0.0.1', port: 0, registryDir, trainingRoot: data, maxBatchSize: maxBatch, maxConcurrentStreams: 64, engine: kind, inferenceThreads: threads },
    { log: loggerFrom(() => undefined) },
  );
  const { port } = await server.start();
  const client = createTranslatorClient(`127.0.0.1:${port}`);
  await client.waitForReady(5000);
  const batches = (): { count: number; images: number } => ({ count: server.stats().batches, images: server.stats().batchedImages });
  await client.translate({ requestId: 'warmup', model: modelName, images: [{ data: png }] });
  for (const streams of streamCounts) print(await overGrpc(kind, client, streams, 'gRPC TranslateStream', batches));

  if (!args['no-training']) {
    const job = await client.startTraining({
      modelName: 'bench-training',
      sourceUri: path.join(data, 'source'),
      targetUri: path.join(data, 'target'),
      // The server's per-job step limit (trainingMaxSteps, default 20 000); the job is cancelled after the measurement.
      config: { imageSize: size, steps: 20_000 },
    });
    // Measure only once the worker is past loading and actually training.
    for await (const event of client.watchTraining(job.jobId)) {
      if ((event as { step: number }).step >= 1) break;
    }
    for (const streams of streamCounts) print(await overGrpc(kind, client, streams, 'gRPC while training', batches));
    await client.cancelTraining(job.jobId);
  }
  client.close();
  await server.shutdown(60_000);
}

const result = { backend, size, seconds, depth, maxBatch, threads, model: modelDir, cpus: os.cpus().length, pytorch: torch.ok ? torch.reference : { skipped: torch.skipped }, rows };
await mkdir(path.dirname(args.out), { recursive: true });
await writeFile(args.out, `${JSON.stringify(result, null, 2)}\n`);
await rm(work, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.stderr.write(`results written to ${args.out}\n`);
