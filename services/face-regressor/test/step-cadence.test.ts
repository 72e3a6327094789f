import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StepCadence } from '../src/step-cadence.js';

test('a cadence is due every N steps, at a forced end only after new steps, and resumes from its start step', () => {
  const cadence = new StepCadence(100, 40);
  assert.equal(cadence.due(40, true), false, 'nothing new since the resumed step');
  assert.equal(cadence.due(139, false), false);
  assert.equal(cadence.due(140, false), true);
  cadence.ran(140);
  assert.equal(cadence.due(150, false), false);
  assert.equal(cadence.due(150, true), true, 'forced: the last steps still count');
  cadence.ran(150);
  assert.equal(cadence.due(150, true), false);
});
