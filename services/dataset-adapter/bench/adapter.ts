/**
 * End-to-end throughput of the adapter next to the translator's own TranslateStream throughput, on the same
 * images and the same model.
 *
 *   npm run bench:adapter -- [--batches N] [--batch-size N] [--size PX] [--in-flight N]
 *                            [--ngf N] [--blocks N] [--registry DIR --model NAME] [--translator HOST:PORT]
 *
 * Starts a nats-server (JetStream, temp store) and, unless --translator is given, a real translator server in
 * this process (`createTranslatorServer`) serving either --model from --registry or a model of the default
 * architecture (ngf 64, 9 residual blocks; --ngf/--blocks change it) trained for 3 steps on noise at --size.
 * Untrained weights cost the same to run as trained ones. Prints a table and one JSON line.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { sim2realV1, type Image, type TranslateResponse__Output } from '@sim2real/contracts';
import { tf } from '@sim2real/tensor';
import { ADAPTED_STREAM, SYNTHETIC_STREAM, DEAD_STREAM, provisionStreams, publishBatches, startNatsServer } from '../src/index.js';
import { startRealTranslator, trainTinyRegistry, type RealTranslator } from '../test/real-translator.js';
import { natsClient, startAdapter, streamCount, waitFor, makeBatch } from '../test/helpers.js';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    'batch-size': { type: 'string', default: '32' },
    size: { type: 'string', default: '64' },
    'in-flight': { type: 'string', default: '4' },
    ngf: { type: 'string', default: '64' },
    blocks: { type: 'string', default: '9' },
    registry: { type: 'string' },
    model: { type: 'string', default: 'bench' },
    translator: { type: 'string' },
  },
});
const batches = Number(values.batches);
const batchSize = Number(values['batch-size']);
const size = Number(values.size);
const inFlight = Number(values['in-flight']);
const model = values.model;
const architecture = values.registry ? `model ${model} from ${values.registry}` : `ngf ${values.ngf}, ${values.blocks} residual blocks, ${size} px`;

let trained: Awaited<ReturnType<typeof trainTinyRegistry>> | undefined;
let local: RealTranslator | undefined;
if (!values.translator) {
  let registryDir = values.registry;
  if (!registryDir) {
    const started = performance.now();
    trained = await trainTinyRegistry(model, {
      imageSize: size,
      generatorWidth: Number(values.ngf),
      residualBlocks: Number(values.blocks),
      attentionWidth: Number(values.ngf),
      discriminatorWidth: Number(values.ngf),
      discriminatorDownsamplings: 3,
    });
    registryDir = trained.registryDir;
    console.error(`trained the bench model (${architecture}, 3 steps) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  local = await startRealTranslator({ registryDir, maxBatchSize: batchSize, maxImagesPerRequest: Math.max(64, batchSize) });
}
const translatorAddress = values.translator ?? local!.address;
const backendName = (): string => (local ? tf.getBackend() : 'remote');
const images: Image[] = makeBatch('bench', 'x', batchSize, size).samples!.map((s) => s.image!);

/** The translator alone: `batches` requests of `batchSize` images over one TranslateStream, `inFlight` at a time. */
async function translatorAlone(): Promise<number> {
  const client = new sim2realV1.Translator(translatorAddress, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  const call = client.translateStream();
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
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < batches) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  call.end();
  client.close();
  return seconds;
}

const nats = await startNatsServer();
const client = await natsClient(nats.url);
try {
  const aloneS = await translatorAlone();
  await provisionStreams(client.jsm);
  const { adapter } = await startAdapter({ natsServers: nats.url, translatorAddress, routes: [{ dataset: 'bench', model }], maxBatchesInFlight: inFlight, ackWaitMs: 30_000 });
  // Warm-up batch, then the timed run with everything published up front (consumer lag = the whole run).
  await publishBatches([makeBatch('bench', 'warm', batchSize, size)], { js: client.js, maxPayloadBytes: client.nc.info!.max_payload });
  await waitFor('warm-up', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === 1, 120_000);
  const list = Array.from({ length: batches }, (_, i) => makeBatch('bench', `b${i}`, batchSize, size));
  const started = performance.now();
  await publishBatches(list, { js: client.js, maxPayloadBytes: client.nc.info!.max_payload });
  await waitFor('all adapted', async () => (await streamCount(client.jsm, ADAPTED_STREAM)) === batches + 1, 600_000);
  const endToEndS = (performance.now() - started) / 1000;
  await adapter.stop();
  const dead = await streamCount(client.jsm, DEAD_STREAM);
  const synthetic = await streamCount(client.jsm, SYNTHETIC_STREAM);
  const row = (name: string, s: number) => ({ name, seconds: s, batchesPerS: batches / s, imagesPerS: (batches * batchSize) / s });
  const rows = [row('translator alone (TranslateStream)', aloneS), row('end to end (NATS → adapter → translator → NATS)', endToEndS)];
  const overheadPct = (1 - rows[0]!.seconds / rows[1]!.seconds) * 100;
  console.log(`\n${batches} batches × ${batchSize} images, ${size}×${size} raw RGB, ${inFlight} in flight, translator: ${local ? `in-process, ${architecture}` : `${translatorAddress} model ${model}`}, backend ${backendName()}`);
  console.log('| path | batches/s | images/s |\n| --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.name} | ${r.batchesPerS.toFixed(1)} | ${r.imagesPerS.toFixed(0)} |`);
  console.log(`adapter path costs ${overheadPct.toFixed(1)} % of the translator's throughput (goal ≤ 15 %)`);
  console.log(JSON.stringify({ bench: 'adapter', batches, batchSize, size, inFlight, translator: local ? 'in-process' : translatorAddress, architecture, backend: backendName(), rows, overheadPct, dead, synthetic }));
} finally {
  await client.nc.close();
  await local?.kill();
  await trained?.remove();
  await nats.close();
}
