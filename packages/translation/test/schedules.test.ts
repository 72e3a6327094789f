import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tf } from '@sim2real/tensor';
import { HistoryPool } from '../src/history-pool.js';
import { LambdaSchedule } from '../src/index.js';
import { jointStageLambda } from '../src/lambda-schedule.js';
import { learningRateAt } from '../src/lr-schedule.js';
import { SeededRandom } from '@sim2real/random';
import { EpochSampler } from '../src/epoch-sampler.js';

const lambdaConfig = { threshold: 1, step: 0.5, intervalSteps: 2, max: 10 };

void test('λ waits at 0 while G cannot fool D, rises while the adversarial loss stays under t_adv, then steps back and freezes', () => {
  const schedule = new LambdaSchedule(lambdaConfig);
  const scripted = [3, 3, /* avg 3 > t at λ=0: wait */ 0.5, 0.7, /* ≤ t: 0.5 */ 0.8, 0.9, /* ≤ t: 1.0 */ 1.5, 1.3, /* > t: back to 0.5, frozen */ 0.1, 0.1];
  const seen = scripted.map((loss, i) => schedule.observe(loss, i + 1));
  assert.deepEqual(seen, [0, 0, 0, 0.5, 0.5, 1, 1, 0.5, 0.5, 0.5]);
  assert.equal(schedule.frozen, true);
  assert.deepEqual(schedule.snapshot().history, [
    [2, 0],
    [4, 0.5],
    [6, 1],
    [8, 0.5],
  ]);
});

void test('λ freezes at max and a snapshot restores the schedule', () => {
  const schedule = new LambdaSchedule({ ...lambdaConfig, max: 0.75 });
  for (let i = 1; i <= 4; i++) schedule.observe(0, i);
  assert.equal(schedule.lambda, 0.75);
  assert.equal(schedule.frozen, true);
  const copy = new LambdaSchedule(lambdaConfig, schedule.snapshot());
  assert.equal(copy.observe(100, 5), 0.75);
});

void test('the joint stage keeps the largest λ of the earlier stages, also when the attention stage never raised it', () => {
  assert.equal(jointStageLambda({ g0: 2e-6, attention: 0 }), 2e-6);
  assert.equal(jointStageLambda({ g0: 1e-6, attention: 3e-6 }), 3e-6);
  assert.equal(jointStageLambda({}), 0);
});

void test('learning rate is constant for the first half of a stage, then decays linearly towards 0', () => {
  const rates = Array.from({ length: 10 }, (_, i) => learningRateAt(1, i, 10, 0.5));
  assert.deepEqual(rates.slice(0, 5), [1, 1, 1, 1, 1]);
  for (let i = 5; i < 10; i++) assert.ok(rates[i]! < rates[i - 1]!);
  assert.ok(rates[9]! > 0 && rates[9]! <= 0.2);
});

void test('seeded sampler visits every index once per epoch, reproducibly', () => {
  const a = new EpochSampler(5, new SeededRandom(3)).take(10);
  const b = new EpochSampler(5, new SeededRandom(3)).take(10);
  assert.deepEqual(a, b);
  assert.deepEqual([...a.slice(0, 5)].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([...a.slice(5)].sort(), [0, 1, 2, 3, 4]);
});

void test('history pool fills, then shows about half history images, and holds no tensors', () => {
  const pool = new HistoryPool(4, new SeededRandom(1));
  const before = tf.memory().numTensors;
  let fromHistory = 0;
  for (let i = 0; i < 200; i++) {
    const batch = tf.fill<tf.Rank.R4>([1, 2, 2, 3], i);
    const shown = pool.query(batch);
    const value = shown.dataSync()[0]!;
    if (i < 4) assert.equal(value, i);
    else if (value !== i) fromHistory++;
    tf.dispose([batch, shown]);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.equal(pool.size, 4);
  assert.ok(fromHistory > 70 && fromHistory < 130, `history share ${fromHistory}/196`);
  const copy = new HistoryPool(4, new SeededRandom(1));
  copy.restore(pool.serialise(), 12);
  assert.equal(copy.size, 4);
});
