import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DilatedConv2D, initBackend, tf, UnsupportedOperationError } from '../src/index.js';
import { assertClose, seeded } from './helpers.js';

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [9, 7, 3] });
  const hidden = new DilatedConv2D({ filters: 4, kernelSize: 3, dilationRate: 2, kernelInitializer: 'heNormal', name: 'dilated' }).apply(input);
  const output = new DilatedConv2D({ filters: 2, kernelSize: [2, 3], dilationRate: [3, 2], padding: 'valid', useBias: false }).apply(hidden);
  return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
}

void describe('DilatedConv2D layer', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  void it('computes the output shape of same and valid padding', () => {
    const model = buildModel();
    assert.deepEqual(model.layers[1]!.outputShape, [null, 9, 7, 4]);
    // valid: 9 − (2−1)·3 = 6, 7 − (3−1)·2 = 3
    assert.deepEqual(model.outputs[0]!.shape, [null, 6, 3, 2]);
    const y = model.predict(tf.zeros([1, 9, 7, 3])) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 6, 3, 2]);
    tf.dispose([y]);
    model.dispose();
  });

  void it('serialises and deserialises: config, weights and predictions survive the round trip', async () => {
    const model = buildModel();
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }));
    assert.ok(saved);
    const topology = JSON.stringify(saved.modelTopology);
    assert.match(topology, /"class_name":"DilatedConv2D"/);
    assert.match(topology, /"dilation_rate":\[3,2\]/);
    assert.match(topology, /"kernel_initializer":\{"class_name":"VarianceScaling","config":\{"scale":2,"mode":"fan_in","distribution":"normal"/);

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    const [first, second] = [loaded.layers[1], loaded.layers[2]];
    assert.ok(first instanceof DilatedConv2D && second instanceof DilatedConv2D);
    assert.deepEqual([first.filters, first.kernelSize, first.dilationRate, first.padding, first.useBias], [4, [3, 3], [2, 2], 'same', true]);
    assert.deepEqual([second.filters, second.kernelSize, second.dilationRate, second.padding, second.useBias], [2, [2, 3], [3, 2], 'valid', false]);
    const { seed: _seed, ...initConfig } = first.kernelInitializer.getConfig();
    assert.deepEqual(initConfig, { scale: 2, mode: 'fanIn', distribution: 'normal' });

    const x = tf.tensor4d(seeded([2, 9, 7, 3], 41), [2, 9, 7, 3]);
    const before = model.predict(x) as tf.Tensor;
    const after = loaded.predict(x) as tf.Tensor;
    assertClose(after.dataSync() as Float32Array, before.dataSync() as Float32Array, 'prediction after reload', 1e-6);
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });

  void it('trains on wasm: one optimiser step changes the kernel and lowers the loss', () => {
    const model = buildModel();
    const optimizer = tf.train.adam(0.01);
    const x = tf.tensor4d(seeded([2, 9, 7, 3], 51), [2, 9, 7, 3]);
    const target = tf.zeros([2, 6, 3, 2]);
    const loss = (): tf.Scalar => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target)));
    const kernelBefore = model.layers[1]!.getWeights()[0]!.dataSync().slice();
    const first = optimizer.minimize(loss, true)!;
    for (let i = 0; i < 4; i++) tf.dispose(optimizer.minimize(loss, true) ?? []);
    const last = optimizer.minimize(loss, true)!;
    assert.notDeepEqual(model.layers[1]!.getWeights()[0]!.dataSync(), kernelBefore);
    assert.ok(last.dataSync()[0]! < first.dataSync()[0]!, 'loss decreased');
    tf.dispose([first, last, x, target]);
    optimizer.dispose();
    model.dispose();
  });

  void it('rejects bad arguments with a typed error', () => {
    assert.throws(() => new DilatedConv2D({ filters: 0, kernelSize: 3 }), UnsupportedOperationError);
    assert.throws(() => new DilatedConv2D({ filters: 2, kernelSize: 3, dilationRate: 1.5 }), UnsupportedOperationError);
    assert.throws(() => new DilatedConv2D({ filters: 2, kernelSize: 3, kernelInitializer: 'noSuchInit' }), /unknown kernel initializer/);
  });
});
