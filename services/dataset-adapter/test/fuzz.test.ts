import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { createTranslatorClient } from '@sim2real/client';
import { startTranslatorProcess, type TranslatorProcess } from '@sim2real/client/testing';
import { decodeLabelledBatch, encodeLabelledBatch, sampleLabelBytes, type Image, type Label, type LabelledBatch, type TranslateRequest, type TranslateResponse__Output } from '@sim2real/contracts';
import { encodeJpeg, encodePng } from '@sim2real/imaging';
import { ADAPTED_STREAM, DEAD_STREAM, HEADER_DEAD_REASON, batchMessageId, syntheticSubject } from '@sim2real/messaging';
import { makeBatch, readStream, startAdapter, streamCount, usePipeline, waitFor } from './helpers.js';

/*
 * Fuzzed inputs through the real translator (TranslateStream) and the real adapter (NATS in, NATS out). Every case
 * must be answered (a result or a status with a sentence; never INTERNAL) or adapted/dead-lettered with a reason,
 * and both processes must still serve afterwards. The case counts are printed.
 */

const pipeline = usePipeline(1);
// The translator under fuzz is its own process: its inference does not stall this process's NATS client, and "still serving" means the process.
let translator: TranslatorProcess | undefined;
const translatorProcess = async (): Promise<TranslatorProcess> =>
  (translator ??= await startTranslatorProcess({ REGISTRY_DIR: pipeline.registry.dir, MAX_BATCH_DELAY_MS: '1' }));
after(() => translator?.kill());
const GRPC_CASES = Number(process.env.SIM2REAL_FUZZ_GRPC_CASES ?? 8000);
const ADAPTER_CASES = Number(process.env.SIM2REAL_FUZZ_ADAPTER_CASES ?? 2000);
const HUGE_SAMPLES = Number(process.env.SIM2REAL_FUZZ_HUGE_SAMPLES ?? 10_000);

const rgb = (w: number, h: number, seed: number): { width: number; height: number; data: Uint8Array } => ({
  width: w,
  height: h,
  data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 31 + seed * 7) % 256),
});

let validPng: Uint8Array;
let validJpeg: Uint8Array;

/** The arbitrary images: valid tiny ones, random bytes, truncated / bit-flipped / header-forged PNG and JPEG, raw with wrong lengths, absurd sizes. */
function imageArbitrary(): fc.Arbitrary<Image> {
  const dims = fc.oneof(fc.constantFrom(0, 1, 2, 3, 7, 16, 65_535, 2 ** 31 - 1, 2 ** 32 - 1), fc.integer({ min: 0, max: 40 }));
  const encodings = fc.constantFrom<Image['encoding']>('ENCODING_UNSPECIFIED', 'ENCODING_PNG', 'ENCODING_JPEG', 'ENCODING_RAW_RGB8');
  const validFile = fc.constantFrom(validPng, validJpeg);
  const forge = (file: Uint8Array, at: number, value: number): Uint8Array => {
    const copy = Uint8Array.from(file);
    copy[at % copy.length] = value;
    return copy;
  };
  return fc.oneof(
    // valid, small
    fc.record({ w: fc.integer({ min: 1, max: 24 }), h: fc.integer({ min: 1, max: 24 }) }).map(({ w, h }) => ({ data: Buffer.from(rgb(w, h, w + h).data), encoding: 'ENCODING_RAW_RGB8' as const, width: w, height: h })),
    validFile.map((data) => ({ data: Buffer.from(data), encoding: 'ENCODING_UNSPECIFIED' as const })),
    // random bytes under any encoding and any claimed size
    fc.record({ data: fc.uint8Array({ maxLength: 300 }), encoding: encodings, width: dims, height: dims }).map((r) => ({ ...r, data: Buffer.from(r.data) })),
    // truncated
    fc.tuple(validFile, fc.nat()).map(([file, cut]) => ({ data: Buffer.from(file.subarray(0, cut % file.length)), encoding: 'ENCODING_PNG' as const })),
    // bit-flipped
    fc.tuple(validFile, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })).map(([file, flips]) => {
      const copy = Uint8Array.from(file);
      for (const [at, bit] of flips) copy[at % copy.length]! ^= 1 << bit;
      return { data: Buffer.from(copy), encoding: 'ENCODING_JPEG' as const };
    }),
    // header forged: PNG IHDR width/height (bytes 16..23) or JPEG SOF bytes set to absurd values
    fc.tuple(validFile, fc.integer({ min: 16, max: 23 }), fc.constantFrom(0, 0xff, 0x7f)).map(([file, at, value]) => ({ data: Buffer.from(forge(file, at, value)), encoding: 'ENCODING_PNG' as const })),
    // raw with wrong lengths or absurd dimensions
    fc.record({ w: dims, h: dims, extra: fc.integer({ min: -5, max: 5 }) }).map(({ w, h, extra }) => ({
      data: Buffer.alloc(Math.max(0, Math.min(4096, w * h * 3) + extra), 9),
      encoding: 'ENCODING_RAW_RGB8' as const,
      width: w,
      height: h,
    })),
  );
}

const labelArbitrary: fc.Arbitrary<Label> = fc.oneof(
  fc.array(fc.float({ noNaN: false }), { maxLength: 8 }).map((values) => ({ vector: { values } })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ classIndex: v.toString() })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ opaque: Buffer.from(bytes) })),
  fc.constant({}),
);

void test(`fuzzed TranslateStream requests through the real gRPC server: ${GRPC_CASES} cases, every one answered, none INTERNAL`, async () => {
  [validPng, validJpeg] = await Promise.all([encodePng(rgb(6, 5, 1)), encodeJpeg(rgb(6, 5, 2))]);
  const translator = await translatorProcess();
  const client = createTranslatorClient(translator.address);
  const stream = client.openTranslateStream();
  const waiting = new Map<string, (r: TranslateResponse__Output) => void>();
  stream.on('data', (r: TranslateResponse__Output) => waiting.get(r.requestId)?.(r));
  const outcomes = new Map<string, number>();
  let n = 0;
  try {
    // Generated cases sent 32 at a time on the one stream (one at a time, round trips would dominate); each response checked.
    const cases = fc.sample(
      fc.tuple(fc.array(imageArbitrary(), { minLength: 0, maxLength: 4 }), fc.constantFrom<TranslateRequest['outputEncoding']>('ENCODING_PNG', 'ENCODING_RAW_RGB8', 'ENCODING_JPEG')),
      { numRuns: GRPC_CASES, seed: 34 },
    );
    const check = async ([images, outputEncoding]: (typeof cases)[number]): Promise<void> => {
      const requestId = `f${n++}`;
      const answer = new Promise<TranslateResponse__Output>((resolve) => waiting.set(requestId, resolve));
      if (!stream.write({ requestId, model: 'm', images, outputEncoding })) await new Promise((resolve) => stream.once('drain', resolve));
      const response = await answer;
      waiting.delete(requestId);
      const code = response.error ? response.error.code : 0;
      outcomes.set(grpc.status[code] ?? String(code), (outcomes.get(grpc.status[code] ?? String(code)) ?? 0) + 1);
      if (response.error) {
        assert.notEqual(response.error.code, grpc.status.INTERNAL, response.error.message);
        assert.notEqual(response.error.code, grpc.status.UNKNOWN, response.error.message);
        assert.ok(response.error.message.length > 0);
        assert.equal(response.results.length, 0);
      } else {
        assert.equal(response.results.length, images.length);
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < cases.length) await check(cases[next++]!);
      }),
    );

    // 10 000 images in one request: refused before decoding (over maxImagesPerRequest), the stream still open.
    const tenThousand = await new Promise<TranslateResponse__Output>((resolve) => {
      waiting.set('ten-thousand', resolve);
      stream.write({ requestId: 'ten-thousand', model: 'm', images: Array.from({ length: 10_000 }, () => ({ data: Buffer.from(validPng) })) });
    });
    assert.equal(tenThousand.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  } finally {
    stream.end();
    client.close();
  }
  console.log(`fuzz: ${n} gRPC cases, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  assert.ok((outcomes.get('OK') ?? 0) > 0 && (outcomes.get('INVALID_ARGUMENT') ?? 0) > 0);
  // Still serving, the same process.
  assert.ok(translator.pid !== undefined, 'the translator process is alive');
  const after = createTranslatorClient(translator.address);
  const ok = await after.translate({ requestId: 'after', model: 'm', images: [{ data: Buffer.from(validPng) }] });
  after.close();
  assert.equal(ok.results.length, 1);
});

void test(`fuzzed batches through the real adapter: ${ADAPTER_CASES} cases plus 0, 300 and 10000 samples, each adapted or dead with a reason`, async () => {
  await pipeline.resetStreams();
  [validPng, validJpeg] = await Promise.all([encodePng(rgb(6, 5, 1)), encodeJpeg(rgb(6, 5, 2))]);
  const translator = await translatorProcess();
  const { adapter, logs } = await startAdapter({ natsServers: pipeline.nats.url, translatorAddress: translator.address, maxBatchesInFlight: 16 });
  try {
    const sample = fc.record({ id: fc.string({ maxLength: 8 }), image: fc.option(imageArbitrary(), { nil: undefined }), label: fc.option(labelArbitrary, { nil: undefined }) });
    const batchArb = fc.oneof(
      { weight: 6, arbitrary: fc.array(sample, { maxLength: 5 }).map((samples) => ({ kind: 'batch' as const, samples })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'garbage' as const, bytes })) },
    );
    const cases = fc.sample(batchArb, { numRuns: ADAPTER_CASES, seed: 34 });
    const payloads: { id: string; data: Uint8Array; valid: boolean }[] = cases.map((c, i) => {
      const id = `z${i}`;
      if (c.kind === 'garbage') return { id, data: c.bytes, valid: false };
      const batch: LabelledBatch = { batchId: id, dataset: 'digits', samples: c.samples };
      return { id, data: encodeLabelledBatch(batch), valid: false };
    });
    // The edges: a batch without samples, one of 10 000 (1×1 raw images, every label kind), and plainly valid ones.
    payloads.push({ id: 'empty', data: encodeLabelledBatch({ batchId: 'empty', dataset: 'digits', samples: [] }), valid: false });
    // 10 000 samples, one without a label: decoded, validated and dead-lettered (translating 10 000 images takes
    // minutes of CPU on a shared 2-core machine); a valid batch of 300 goes through the split path instead.
    const huge = makeBatch('digits', 'huge', HUGE_SAMPLES, 1);
    delete huge.samples![HUGE_SAMPLES - 1]!.label;
    payloads.push({ id: 'huge', data: encodeLabelledBatch(huge), valid: false });
    payloads.push({ id: 'split', data: encodeLabelledBatch(makeBatch('digits', 'split', 300, 2)), valid: true });
    for (let i = 0; i < 20; i++) payloads.push({ id: `valid${i}`, data: encodeLabelledBatch(makeBatch('digits', `valid${i}`, 1 + (i % 4))), valid: true });
    const js = pipeline.client.js;
    await Promise.all(payloads.map((p) => js.publish(syntheticSubject('digits'), p.data, { msgID: batchMessageId('digits', `fuzz-${p.id}`) })));
    const total = payloads.length;
    await waitFor(
      `${total} batches adapted or dead`,
      async () => (await streamCount(pipeline.client.jsm, ADAPTED_STREAM).catch(() => 0)) + (await streamCount(pipeline.client.jsm, DEAD_STREAM).catch(() => 0)) >= total,
      240_000,
    ).catch(async (error: unknown) => {
      const counts = { adapted: await streamCount(pipeline.client.jsm, ADAPTED_STREAM), dead: await streamCount(pipeline.client.jsm, DEAD_STREAM), stats: adapter.stats() };
      throw new Error(`${(error as Error).message}: ${JSON.stringify(counts)} ${JSON.stringify(logs.slice(-5))}`);
    });
    const adapted = await readStream(pipeline.client.jsm, ADAPTED_STREAM);
    const dead = await readStream(pipeline.client.jsm, DEAD_STREAM);
    const originals = new Map(payloads.map((p) => [p.id, p]));
    assert.equal(adapted.length + dead.length, total);
    for (const msg of dead) assert.ok(msg.header.get(HEADER_DEAD_REASON).length > 0);
    const adaptedIds = new Set<string>();
    for (const msg of adapted) {
      const id = decodeLabelledBatch(msg.data).batchId;
      adaptedIds.add(id);
      const hex = (d: Uint8Array): (string | undefined)[] => sampleLabelBytes(d).map((b) => b && Buffer.from(b).toString('hex'));
      assert.deepEqual(hex(msg.data), hex(originals.get(id)!.data), `labels of ${id}`);
    }
    for (const p of payloads.filter((x) => x.valid)) assert.ok(adaptedIds.has(p.id), `valid batch ${p.id} adapted`);
    assert.ok(!adaptedIds.has('empty'));
    assert.ok(dead.some((m) => /10000 samples but 10000 images and 9999 labels/.test(m.header.get(HEADER_DEAD_REASON))), 'the 10 000-sample batch was read whole');
    assert.equal(logs.filter((l) => l.event === 'batch.error').length, 0, 'no batch reached the catch-all');
    const kinds = new Map<string, number>();
    for (const l of logs.filter((x) => x.event === 'batch.dead')) kinds.set(String(l.fields!.kind), (kinds.get(String(l.fields!.kind)) ?? 0) + 1);
    console.log(`fuzz: ${total} adapter cases (${ADAPTER_CASES} generated + 0, 300 and ${HUGE_SAMPLES} samples + 20 valid): ${adapted.length} adapted, ${dead.length} dead ${JSON.stringify(Object.fromEntries(kinds))}`);
    assert.equal(adapter.stats().batchesAdapted, adapted.length);
  } finally {
    await adapter.stop();
  }
});
