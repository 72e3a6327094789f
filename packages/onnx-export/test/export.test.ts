import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import protobuf from 'protobufjs';
import { tf } from '@sim2real/tensor';
import { loadTranslatorNetworks, readModelManifest } from '@sim2real/translation';
import { trainTinyModel } from '@sim2real/translation/testing';
import { ONNX_FILE, buildOnnxModel, exportOnnx } from '../src/index.ts';

const root = await mkdtemp(path.join(os.tmpdir(), 'sim2real-onnx-export-'));
after(() => rm(root, { recursive: true, force: true }));

/** Reads back the fields of a ModelProto that the export promises, with the field numbers of onnx.proto. */
const Reader = protobuf.parse(`syntax = "proto3"; package r;
  message Dim { int64 dim_value = 1; string dim_param = 2; }
  message Shape { repeated Dim dim = 1; }
  message TensorType { int32 elem_type = 1; Shape shape = 2; }
  message Type { TensorType tensor_type = 1; }
  message Value { string name = 1; Type type = 2; }
  message Node { repeated string input = 1; repeated string output = 2; string op_type = 4; }
  message Graph { repeated Node node = 1; repeated Value input = 11; repeated Value output = 12; }
  message Opset { string domain = 1; int64 version = 2; }
  message Model { int64 ir_version = 1; Graph graph = 7; repeated Opset opset_import = 8; }`, { keepCase: true }).root.lookupType('r.Model');

test('export writes model.onnx with named inputs and outputs, a dynamic batch, and its SHA-256 in the manifest', async () => {
  const dir = path.join(root, 'noise');
  await trainTinyModel(dir, { noiseSize: 2, upsampling: 'transposed' });
  const result = await exportOnnx(dir);
  const bytes = await readFile(path.join(dir, ONNX_FILE));
  const manifest = await readModelManifest(dir);
  assert.equal(manifest.onnx?.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(manifest.onnx?.checkpoint, manifest.checkpoint);
  assert.equal(result.bytes, bytes.length);
  const model = Reader.toObject(Reader.decode(bytes), { longs: Number }) as {
    ir_version: number;
    opset_import: { version: number }[];
    graph: { node: { op_type: string }[]; input: { name: string; type: { tensor_type: { shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[]; output: { name: string }[] };
  };
  assert.deepEqual(model.graph.input.map((i) => i.name), ['image', 'noise']);
  assert.deepEqual(model.graph.output.map((o) => o.name), ['G', 'A', 'G0']);
  assert.deepEqual(model.graph.input[0]!.type.tensor_type.shape.dim.map((d) => d.dim_param || d.dim_value), ['batch', 16, 16, 3]);
  const ops = new Set(model.graph.node.map((n) => n.op_type));
  for (const op of ['Conv', 'ConvTranspose', 'BatchNormalization', 'Relu', 'Tanh', 'Sigmoid', 'Sum', 'MaxPool', 'Concat', 'Expand']) assert.ok(ops.has(op), `graph has ${op}`);
});

test('a layer without a mapping is an error naming it, and nothing is written', async () => {
  const dir = path.join(root, 'plain');
  await trainTinyModel(dir);
  const networks = await loadTranslatorNetworks(dir);
  const input = tf.input({ shape: [16, 16, 3] });
  const padded = tf.layers.zeroPadding2d({ padding: 1, name: 'g0_pad' }).apply(input) as tf.SymbolicTensor;
  const odd = tf.model({ inputs: input, outputs: padded });
  try {
    assert.throws(() => buildOnnxModel({ ...networks, g0: odd }), { name: 'UnmappableLayerError', message: /^Layer g0_pad \(ZeroPadding2D\) cannot be exported to ONNX: no ONNX mapping/ });
    await assert.rejects(exportOnnx(dir, { mappers: { BatchNormalization: () => { throw new Error('unused'); } } }), /unused/);
    await assert.rejects(readFile(path.join(dir, ONNX_FILE)), { code: 'ENOENT' });
    assert.equal((await readModelManifest(dir)).onnx, undefined);
  } finally {
    networks.g0.dispose();
    networks.attention?.dispose();
    odd.dispose();
  }
});
