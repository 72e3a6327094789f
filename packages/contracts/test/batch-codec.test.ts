import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import {
  BatchCodecError,
  decodeLabelledBatch,
  encodeLabelledBatch,
  replaceSampleImages,
  sampleLabelBytes,
  type LabelledBatch,
} from '@sim2real/contracts';

const batch: LabelledBatch = {
  batchId: 'b-1',
  dataset: 'digits',
  attributes: { source: 'test', split: 'train' },
  samples: [
    { id: 's0', image: { data: Buffer.from([1, 2, 3]), encoding: 'ENCODING_RAW_RGB8', width: 1, height: 1 }, label: { classIndex: '7' } },
    { id: 's1', image: { data: Buffer.from([4, 5, 6]), encoding: 'ENCODING_RAW_RGB8', width: 1, height: 1 }, label: { vector: { values: [0.1, -2.5, 3e-8] } } },
    { id: 's2', image: { data: Buffer.from([7, 8, 9]), encoding: 'ENCODING_RAW_RGB8', width: 1, height: 1 }, label: { opaque: Buffer.from('mask') } },
  ],
};

void test('a batch survives encode → decode with every label kind', () => {
  const decoded = decodeLabelledBatch(encodeLabelledBatch(batch));
  assert.equal(decoded.batchId, 'b-1');
  assert.equal(decoded.dataset, 'digits');
  assert.deepEqual(decoded.attributes, { source: 'test', split: 'train' });
  assert.equal(decoded.samples.length, 3);
  assert.equal(decoded.samples[0]!.label!.kind, 'classIndex');
  assert.equal(decoded.samples[0]!.label!.classIndex, '7');
  assert.equal(decoded.samples[1]!.label!.kind, 'vector');
  assert.deepEqual(decoded.samples[1]!.label!.vector!.values, [Math.fround(0.1), -2.5, Math.fround(3e-8)]);
  assert.deepEqual(decoded.samples[2]!.label!.opaque, Buffer.from('mask'));
  assert.equal(decoded.samples[0]!.image!.encoding, 'ENCODING_RAW_RGB8');
});

void test('replacing images keeps every other byte, labels included', () => {
  // A label written by a foreign encoder with a NaN payload and a non-minimal float order.
  const foreign = protobuf.Writer.create();
  foreign.uint32(10).fork().uint32(13).float(Number.NaN).uint32(13).float(1.5).ldelim();
  const foreignLabel = foreign.finish();
  const original = Buffer.concat([
    encodeLabelledBatch({ ...batch, samples: batch.samples!.slice(0, 1) }),
    // sample: id "x", label bytes copied verbatim
    protobuf.Writer.create().uint32(26).fork().uint32(10).string('x').uint32(26).bytes(foreignLabel).ldelim().finish(),
  ]);
  const images = [
    { data: Buffer.from([9, 9, 9]), encoding: 'ENCODING_RAW_RGB8' as const, width: 1, height: 1 },
    { data: Buffer.from([8, 8, 8]), encoding: 'ENCODING_RAW_RGB8' as const, width: 1, height: 1 },
  ];
  const adapted = replaceSampleImages(original, images);
  assert.deepEqual(sampleLabelBytes(adapted), sampleLabelBytes(original));
  assert.ok(Buffer.from(sampleLabelBytes(adapted)[1]!).includes(Buffer.from(foreignLabel)));
  const decoded = decodeLabelledBatch(adapted);
  assert.equal(decoded.batchId, 'b-1');
  assert.deepEqual(decoded.samples.map((s) => s.id), ['s0', 'x']);
  assert.deepEqual(decoded.samples[0]!.image!.data, Buffer.from([9, 9, 9]));
  assert.deepEqual(decoded.samples[1]!.image!.data, Buffer.from([8, 8, 8]));
});

void test('a wrong image count and garbage bytes are refused with BatchCodecError', () => {
  const bytes = encodeLabelledBatch(batch);
  assert.throws(() => replaceSampleImages(bytes, []), BatchCodecError);
  assert.throws(() => decodeLabelledBatch(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), BatchCodecError);
  assert.throws(() => sampleLabelBytes(Buffer.from([0x1a, 0x7f])), BatchCodecError);
});
