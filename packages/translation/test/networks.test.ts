import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tf } from '@sim2real/tensor';
import { commitCheckpoint, MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../src/checkpoint.js';
import { loadTranslator } from '../src/index.js';
import { HistoryPool } from '../src/history-pool.js';
import { generatorInput, imageNoise } from '../src/noise.js';
import { discriminatorLoss, generatorAdversarialLoss, perceptualLoss, pixelL1Loss } from '../src/losses.js';
import { buildAttention } from '../src/networks/attention.js';
import { buildDiscriminator } from '../src/networks/discriminator.js';
import { buildGenerator } from '../src/networks/generator.js';
import { type VggWeights, buildPerceptualNetwork, disposeVggWeights, loadVggWeights } from '../src/networks/vgg.js';
import { SeededRandom } from '@sim2real/random';
import { type Networks, generate } from '../src/train-step.js';
import { loadLayersModel, saveLayersModel } from '../src/layers-io.js';
import { writeCheckpointParts } from '../src/trainer-state.js';
import { VGG_DIR, setupBackend, tempDir, tinyConfig } from './helpers.js';

let vgg: VggWeights;
before(async () => {
  await setupBackend();
  vgg = await loadVggWeights(VGG_DIR);
});
after(() => disposeVggWeights(vgg));

const config = tinyConfig();
const input = (): tf.Tensor4D => tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 7);
/** G0's input for `x`: the image and, under the default config, its z channels. */
const g0Input = (x: tf.Tensor4D): tf.Tensor4D => generatorInput(x, imageNoise(x, config.noiseSize));

function range(t: tf.Tensor): [number, number] {
  return [tf.min(t).dataSync()[0]!, tf.max(t).dataSync()[0]!];
}

void test('both decoder kinds double the resolution back to the input size', () => {
  for (const upsampling of ['resize', 'transposed'] as const) {
    const g0 = buildGenerator({ ...config, upsampling });
    const kinds = g0.layers.map((layer) => layer.getClassName());
    assert.equal(kinds.includes('UpSampling2D'), upsampling === 'resize');
    assert.equal(kinds.includes('Conv2DTranspose'), upsampling === 'transposed');
    tf.tidy(() => assert.deepEqual((g0.apply(g0Input(input())) as tf.Tensor).shape, [2, 16, 16, 3]));
    g0.dispose();
  }
});

void test('G0, attention and D have the right shapes and ranges', () => {
  const g0 = buildGenerator(config);
  const attention = buildAttention(config, vgg);
  const d = buildDiscriminator(config);
  tf.tidy(() => {
    const x = input();
    const y0 = g0.apply(g0Input(x), { training: true }) as tf.Tensor;
    assert.deepEqual(y0.shape, [2, 16, 16, 3]);
    const [lo, hi] = range(y0);
    assert.ok(lo >= -1 && hi <= 1);
    const mask = attention.apply(x, { training: true }) as tf.Tensor;
    assert.deepEqual(mask.shape, [2, 16, 16, 1]);
    const [mlo, mhi] = range(mask);
    assert.ok(mlo >= 0 && mhi <= 1);
    // 16 px → three stride-2 layers → 2×2 patch logits
    assert.deepEqual((d.apply(x) as tf.Tensor).shape, [2, 2, 2, 1]);
    const out = generate({ g0, attention, discriminator: d, perceptual: undefined }, 'joint', x, false).output;
    assert.deepEqual(out.shape, [2, 16, 16, 3]);
    const [olo, ohi] = range(out);
    assert.ok(olo >= -1 && ohi <= 1);
  });
  assert.ok(g0.layers.some((l) => l.getClassName().includes('Dilated')), 'residual blocks use the dilated conv layer');
  for (const m of [g0, attention, d]) m.dispose();
});

void test('attention encoder is warm-started from VGG-19', () => {
  const attention = buildAttention(config, vgg);
  const [kernel] = attention.getLayer('attention_block3_conv3').getWeights();
  assert.deepEqual(kernel!.dataSync().slice(0, 8), vgg.get('block3_conv3')![0].dataSync().slice(0, 8));
  attention.dispose();
});

void test('an untrained attention mask is about attentionInitialMask everywhere', () => {
  for (const initialMask of [0.5, 0.95]) {
    const attention = buildAttention(tinyConfig({ attentionInitialMask: initialMask }), vgg);
    tf.tidy(() => {
      const [lo, hi] = range(attention.apply(input(), { training: true }) as tf.Tensor);
      assert.ok(lo > initialMask - 0.1 && hi < initialMask + 0.1, `mask in [${lo}, ${hi}] for ${initialMask}`);
    });
    attention.dispose();
  }
});

void test('G(x) = x wherever the attention mask is 0', () => {
  const g0 = buildGenerator(config);
  const attention = buildAttention(config, vgg);
  const maskLayer = attention.getLayer('attention_mask');
  const [k, b] = maskLayer.getWeights();
  maskLayer.setWeights([tf.zerosLike(k!), tf.fill(b!.shape, -1000)]);
  tf.tidy(() => {
    const x = input();
    const { output, mask, initial } = generate({ g0, attention, discriminator: g0, perceptual: undefined }, 'joint', x, false);
    assert.equal(tf.max(mask!).dataSync()[0], 0);
    assert.deepEqual(output.dataSync(), x.dataSync());
    assert.notDeepEqual(initial.dataSync(), x.dataSync());
  });
  for (const m of [g0, attention]) m.dispose();
});

void test('losses are finite; perceptual loss is 0 for identical inputs and positive otherwise', () => {
  const net = buildPerceptualNetwork(config.perceptualLayers, vgg);
  tf.tidy(() => {
    const x = input();
    const other = tf.randomUniform<tf.Rank.R4>([2, 16, 16, 3], -1, 1, 'float32', 8);
    assert.equal(perceptualLoss(net, config.perceptualWeights, x, x).dataSync()[0], 0);
    assert.ok(perceptualLoss(net, config.perceptualWeights, x, other).dataSync()[0]! > 0);
    assert.equal(pixelL1Loss(x, x).dataSync()[0], 0);
    const logits = tf.randomNormal([2, 2, 2, 1], 0, 3, 'float32', 9);
    for (const kind of ['paper', 'lsgan'] as const) {
      for (const loss of [generatorAdversarialLoss(kind, logits), discriminatorLoss(kind, logits, tf.neg(logits))]) {
        assert.ok(Number.isFinite(loss.dataSync()[0]));
      }
    }
    // non-saturating form: −log σ(0) = log 2
    assert.ok(Math.abs(generatorAdversarialLoss('paper', tf.zeros([1, 2, 2, 1])).dataSync()[0]! - Math.LN2) < 1e-6);
  });
  net.dispose();
});

void test("self-regularisation polarity 'either' forgives each image's inversion, and only that", () => {
  const net = buildPerceptualNetwork(config.perceptualLayers, vgg);
  tf.tidy(() => {
    const x = input();
    const [first, second] = tf.split<tf.Tensor4D>(x, 2, 0);
    const secondInverted = tf.concat([first!, tf.neg(second!)], 0);
    const other = tf.randomUniform<tf.Rank.R4>([2, 16, 16, 3], -1, 1, 'float32', 8);
    const perceptual = (translated: tf.Tensor4D, polarity: 'same' | 'either'): number =>
      perceptualLoss(net, config.perceptualWeights, x, translated, polarity).dataSync()[0]!;
    const pixel = (translated: tf.Tensor4D, polarity: 'same' | 'either'): number => pixelL1Loss(x, translated, polarity).dataSync()[0]!;
    for (const loss of [perceptual, pixel]) {
      assert.ok(loss(secondInverted, 'same') > 0);
      assert.ok(Math.abs(loss(secondInverted, 'either')) < 1e-3 * loss(secondInverted, 'same'), loss.name);
      assert.ok(loss(other, 'either') > 0 && loss(other, 'either') <= loss(other, 'same'), loss.name);
    }
  });
  net.dispose();
});

void test('the self-regularisation of a batch translated twice takes each source image once', () => {
  const net = buildPerceptualNetwork(config.perceptualLayers, vgg);
  tf.tidy(() => {
    const x = input();
    const translated = tf.randomUniform<tf.Rank.R4>([4, 16, 16, 3], -1, 1, 'float32', 8);
    const twice = tf.concat([x, x], 0);
    for (const polarity of ['same', 'either'] as const) {
      const once = perceptualLoss(net, config.perceptualWeights, x, translated, polarity).dataSync()[0]!;
      assert.ok(Math.abs(once - perceptualLoss(net, config.perceptualWeights, twice, translated, polarity).dataSync()[0]!) <= 1e-6 * once);
      assert.ok(Math.abs(pixelL1Loss(x, translated, polarity).dataSync()[0]! - pixelL1Loss(twice, translated, polarity).dataSync()[0]!) < 1e-3);
    }
    assert.throws(() => perceptualLoss(net, config.perceptualWeights, x, tf.slice(translated, 0, 3)), RangeError);
  });
  net.dispose();
});

for (const [what, modelConfig] of [
  ['an image-only G0 (the paper’s)', tinyConfig({ noiseSize: 0 })],
  ['a G0 that takes noise', tinyConfig({ noiseSize: 2 })],
] as const) {
  void test(`a saved checkpoint of ${what} loads into a translator whose output equals the trainer generator`, async () => {
    const networks: Networks = { g0: buildGenerator(modelConfig), attention: buildAttention(modelConfig, vgg), discriminator: buildDiscriminator(modelConfig), perceptual: undefined };
    // move the BN moving statistics away from their initial values, as training does
    tf.tidy(() => generate(networks, 'joint', input(), true));
    const dir = await tempDir();
    const metrics = { finalLosses: {}, lambda: 0, stageLambdas: {}, steps: 0, wallTimeMs: 0 };
    await commitCheckpoint(
      dir,
      { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, created: '', updated: '', backend: tf.getBackend(), config: modelConfig, stage: 'joint', step: 0, totalSteps: 1, complete: false, hasAttention: true, degraded: false, degradedReasons: [], metrics },
      (ckpt) => writeCheckpointParts(ckpt, { networks, withAttention: true, optimizers: undefined, pool: new HistoryPool(0, new SeededRandom(1)), state: { stage: 'joint', step: 0, lambda: { lambda: 0, frozen: false, window: [], history: [] }, stageLambdas: {}, finalLosses: undefined, wallTimeMs: 0, created: '' } }),
    );
    const translator = await loadTranslator(dir);
    const before = tf.memory().numTensors;
    const x = input();
    const mine = generate(networks, 'joint', x, false);
    const loaded = translator.translate(x);
    assert.deepEqual(loaded.output.dataSync(), mine.output.dataSync());
    assert.deepEqual(loaded.initial.dataSync(), mine.initial.dataSync());
    assert.deepEqual(loaded.attention.dataSync(), mine.mask!.dataSync());
    // Another noise draw: another G0 output where G0 takes noise, the same one where it does not.
    const other = translator.translate(x, 1);
    const sameInitial = tf.tidy(() => tf.equal(other.initial, loaded.initial).all().dataSync()[0] === 1);
    assert.equal(sameInitial, modelConfig.noiseSize === 0);
    assert.deepEqual(other.attention.dataSync(), loaded.attention.dataSync());
    tf.dispose([x, mine.output, mine.initial, mine.mask!, loaded.output, loaded.initial, loaded.attention, other.output, other.initial, other.attention]);
    assert.equal(tf.memory().numTensors, before);
    const small = tf.zeros<tf.Rank.R4>([1, 8, 8, 3]);
    assert.throws(() => translator.translate(small), { name: 'InputShapeError' });
    small.dispose();
    translator.dispose();
    for (const m of [networks.g0, networks.attention!, networks.discriminator]) m.dispose();
  });
}

void test('G0 with noise: z changes G0(x); each image keeps its z whatever batch it arrives in', () => {
  const g0 = buildGenerator(tinyConfig({ noiseSize: 2 }));
  const networks: Networks = { g0, attention: undefined, discriminator: g0, perceptual: undefined };
  tf.tidy(() => {
    const x = input();
    const z = (value: number): tf.Tensor2D => tf.fill([2, 2], value);
    assert.notDeepEqual(generate(networks, 'g0', x, false, z(-1)).initial.dataSync(), generate(networks, 'g0', x, false, z(1)).initial.dataSync());
    const pair = generate(networks, 'g0', x, false).initial;
    const reversed = generate(networks, 'g0', tf.reverse(x, 0), false).initial;
    assert.deepEqual(tf.reverse(reversed, 0).dataSync(), pair.dataSync());
  });
  g0.dispose();
});

void test("D's minibatch stddev channel is zero for a batch of one image repeated, positive for a varied batch, and survives saving", async () => {
  const d = buildDiscriminator(tinyConfig({ discriminatorBatchStddev: true }));
  const spreadOf = tf.model({ inputs: d.inputs, outputs: d.getLayer('d_batch_stddev').output });
  const lastChannel = spreadOf.outputs[0]!.shape[3]! - 1;
  const spread = (images: tf.Tensor4D): tf.Tensor => tf.slice(spreadOf.apply(images, { training: true }) as tf.Tensor4D, [0, 0, 0, lastChannel]);
  tf.tidy(() => {
    const varied = input();
    const repeated = tf.tile(tf.slice(varied, 0, 1), [2, 1, 1, 1]);
    assert.ok(tf.max(spread(repeated)).dataSync()[0]! < 1e-3);
    assert.ok(tf.min(spread(varied)).dataSync()[0]! > 1e-3);
  });
  const dir = await tempDir();
  await saveLayersModel(d, dir);
  const loaded = await loadLayersModel(dir);
  tf.tidy(() => {
    const x = input();
    assert.deepEqual((loaded.apply(x, { training: true }) as tf.Tensor).dataSync(), (d.apply(x, { training: true }) as tf.Tensor).dataSync());
  });
  for (const m of [d, loaded]) m.dispose();
});
