import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import { HistoryPool } from '../src/history-pool.js';
import { diversityRatio } from '../src/losses.js';
import { buildDiscriminator } from '../src/networks/discriminator.js';
import { buildGenerator } from '../src/networks/generator.js';
import { trainingNoise } from '../src/noise.js';
import { type Networks, type StepContext, discriminatorVariables, generatorVariables, sourceBatch, trainStep } from '../src/train-step.js';
import { setupBackend, tinyConfig } from './helpers.js';

before(setupBackend);

void test('the diversity ratio is the mean output difference between the halves over their mean noise difference, capped', () => {
  tf.tidy(() => {
    const images = tf.concat([tf.fill<tf.Rank.R4>([2, 4, 4, 3], 0.25), tf.fill<tf.Rank.R4>([2, 4, 4, 3], -0.25)]);
    const noise = tf.concat([tf.fill<tf.Rank.R2>([2, 3], 0.5), tf.fill<tf.Rank.R2>([2, 3], -0.5)]);
    assert.ok(Math.abs(diversityRatio(images, noise, 10).dataSync()[0]! - 0.5) < 1e-6);
    assert.ok(Math.abs(diversityRatio(images, noise, 0.2).dataSync()[0]! - 0.2) < 1e-6);
    const same = tf.concat([tf.fill<tf.Rank.R4>([2, 4, 4, 3], 0.25), tf.fill<tf.Rank.R4>([2, 4, 4, 3], 0.25)]);
    assert.equal(diversityRatio(same, noise, 10).dataSync()[0], 0);
  });
});

void test('with a diversity weight, a step translates half a batch of images twice', () => {
  const counter = (): ((count: number) => number[]) => {
    let next = 0;
    return (count) => Array.from({ length: count }, () => next++);
  };
  assert.deepEqual(sourceBatch(tinyConfig({ batchSize: 4 }), counter()), [0, 1, 2, 3]);
  assert.deepEqual(sourceBatch(tinyConfig({ batchSize: 4, noiseSize: 2, diversityWeight: 1 }), counter()), [0, 1, 0, 1]);
});

/** Trains a tiny G0 and D for six steps on one pair of images; returns g_div after each step. */
function diversityWhileTraining(diversityWeight: number): number[] {
  const config = tinyConfig({ batchSize: 4, noiseSize: 2, diversityWeight, diversityCap: 10, historyPoolSize: 0 });
  const g0 = buildGenerator(config);
  const networks: Networks = { g0, attention: undefined, discriminator: buildDiscriminator(config), perceptual: undefined };
  const ctx: StepContext = {
    networks,
    config,
    stage: 'g0',
    lambda: 1e-6,
    generatorOptimizer: tf.train.adam(0.002, 0.5),
    discriminatorOptimizer: tf.train.adam(0.002, 0.5),
    generatorVars: generatorVariables(networks, 'g0'),
    discriminatorVars: discriminatorVariables(networks),
    pool: new HistoryPool(0, new SeededRandom(1)),
    updateDiscriminator: true,
    discriminatorView: (images) => images,
  };
  const pair = tf.randomUniform<tf.Rank.R4>([2, 16, 16, 3], -1, 1, 'float32', 3);
  const x = tf.concat([pair, pair]);
  const y = tf.randomUniform<tf.Rank.R4>([4, 16, 16, 3], -1, 1, 'float32', 4);
  const ratios: number[] = [];
  for (let step = 0; step < 6; step++) {
    const noise = trainingNoise(config.seed, step, 4, config.noiseSize)!;
    const losses = trainStep(ctx, x, y, noise);
    noise.dispose();
    assert.ok(losses.g_div !== undefined && losses.g_div >= 0);
    const expected = losses.g_adv + ctx.lambda * losses.g_reg - diversityWeight * losses.g_div;
    assert.ok(Math.abs(losses.g_total - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `g_total ${losses.g_total} vs ${expected}`);
    ratios.push(losses.g_div);
  }
  tf.dispose([pair, x, y]);
  ctx.generatorOptimizer.dispose();
  ctx.discriminatorOptimizer.dispose();
  g0.dispose();
  networks.discriminator.dispose();
  return ratios;
}

void test('the diversity term enters the generator loss and makes G0 use its noise', () => {
  const lastThree = (ratios: number[]): number => ratios.slice(-3).reduce((a, b) => a + b, 0) / 3;
  const without = lastThree(diversityWhileTraining(1e-9));
  const withTerm = lastThree(diversityWhileTraining(50));
  assert.ok(withTerm > 2 * without, `g_div over the last three steps: ${withTerm} with the term, ${without} without`);
});
