import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initBackend, tf } from '@sim2real/tensor';
import { discriminatorLoss, generatorAdversarialLoss, perceptualLoss } from '../src/losses.js';
import { buildAttention } from '../src/networks/attention.js';
import { buildDiscriminator } from '../src/networks/discriminator.js';
import { buildGenerator } from '../src/networks/generator.js';
import { type VggWeights, buildPerceptualNetwork, disposeVggWeights, loadVggWeights } from '../src/networks/vgg.js';
import type { TranslationConfig } from '../src/config.js';
import { type Networks, discriminatorVariables, generate, generatorVariables } from '../src/train-step.js';
import { VGG_DIR, tinyConfig } from './helpers.js';

let vgg: VggWeights;
before(async () => {
  await initBackend({ backend: 'wasm', log: () => undefined });
  vgg = await loadVggWeights(VGG_DIR);
});
after(() => disposeVggWeights(vgg));

/** Gradients of the joint stage's generator loss (adversarial + λ·perceptual) and of D's loss, by variable name. */
function jointStageGradients(
  config: TranslationConfig,
  networks: Networks,
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  fake: tf.Tensor4D,
): Map<string, Float32Array> {
  const generatorLoss = (): tf.Scalar => {
    const { output } = generate(networks, 'joint', x, true);
    const adv = generatorAdversarialLoss('paper', networks.discriminator.apply(output, { training: true }) as tf.Tensor);
    return tf.add(adv, tf.mul(1e-6, perceptualLoss(networks.perceptual!, config.perceptualWeights, x, output)));
  };
  // D sees a fixed fake: G's batch-norm moving statistics change with every training-mode pass.
  const dLoss = (): tf.Scalar => {
    const logits = (images: tf.Tensor4D): tf.Tensor => networks.discriminator.apply(images, { training: true }) as tf.Tensor;
    return discriminatorLoss('paper', logits(y), logits(fake));
  };
  const values = new Map<string, Float32Array>();
  for (const [loss, vars] of [[generatorLoss, generatorVariables(networks, 'joint')], [dLoss, discriminatorVariables(networks)]] as const) {
    const { value, grads } = tf.variableGrads(loss, vars);
    for (const [name, grad] of Object.entries(grads)) values.set(name, grad.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
  }
  return values;
}

void test("the translator's gradients agree between the wasm and the cpu backend (batch of 3)", async () => {
  const config = tinyConfig();
  const networks: Networks = {
    g0: buildGenerator(config),
    attention: buildAttention(config, vgg),
    discriminator: buildDiscriminator(config),
    perceptual: buildPerceptualNetwork(config.perceptualLayers, vgg),
  };
  const x = tf.randomUniform<tf.Rank.R4>([3, 16, 16, 3], -1, 1, 'float32', 3);
  const y = tf.randomUniform<tf.Rank.R4>([3, 16, 16, 3], -1, 1, 'float32', 4);
  const fake = tf.randomUniform<tf.Rank.R4>([3, 16, 16, 3], -1, 1, 'float32', 5);
  const onWasm = jointStageGradients(config, networks, x, y, fake);
  await initBackend({ backend: 'cpu', log: () => undefined });
  const onCpu = jointStageGradients(config, networks, x, y, fake);
  assert.ok(onWasm.size > 40, `only ${onWasm.size} gradients`);
  for (const [name, wasm] of onWasm) {
    const cpu = onCpu.get(name)!;
    let scale = 1e-12;
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) {
      scale = Math.max(scale, Math.abs(cpu[i]!));
      worst = Math.max(worst, Math.abs(wasm[i]! - cpu[i]!));
    }
    assert.ok(worst <= 1e-3 * scale, `${name}: max |wasm − cpu| ${worst} against max |cpu| ${scale}`);
  }
  tf.dispose([x, y, fake]);
  for (const model of Object.values(networks)) (model as tf.LayersModel).dispose();
});
