import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom, mixSeed, shuffleInPlace } from '../src/index.js';

const draw = (random: SeededRandom, n: number): number[] => Array.from({ length: n }, () => random.next());

test('the same seed gives the same sequence, another seed another one', () => {
  assert.deepEqual(draw(new SeededRandom(42), 8), draw(new SeededRandom(42), 8));
  assert.notDeepEqual(draw(new SeededRandom(42), 8), draw(new SeededRandom(43), 8));
});

test('a generator rebuilt from its stored state continues the same sequence', () => {
  const random = new SeededRandom(7);
  draw(random, 5);
  const resumed = new SeededRandom(random.state);
  assert.deepEqual(draw(resumed, 5), draw(random, 5));
});

test('draws stay in their ranges and the normal has about zero mean and unit variance', () => {
  const random = new SeededRandom(1);
  const n = 20_000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const u = random.next();
    assert.ok(u >= 0 && u < 1);
    const k = random.int(10);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 10);
    const v = random.uniform(-2, 3);
    assert.ok(v >= -2 && v < 3);
    const z = random.normal();
    sum += z;
    squares += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.05);
  assert.ok(Math.abs(squares / n - 1) < 0.05);
});

test('mixSeed separates nearby inputs and depends on their order', () => {
  assert.equal(mixSeed(1, 2), mixSeed(1, 2));
  assert.notEqual(mixSeed(1, 2), mixSeed(2, 1));
  assert.notEqual(mixSeed(0), mixSeed(1));
});

test('shuffleInPlace permutes every element exactly once', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = shuffleInPlace([...items], new SeededRandom(3));
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual([...shuffled].sort((a, b) => a - b), items);
});
