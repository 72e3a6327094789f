import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLineError } from '@sim2real/progress';
import { parseWorkerEvent } from '../src/index.js';

const RESULT = { seed: 3, final: 0.5, oracle: 0.75, translator_lambda: 0.1, translator_steps: 3, translator_batch: 2, translator_degraded: false, wall_time_s: 1.5 };
const PHASES = { wall: { data_s: 0.5 }, cpu: { data_s: 0.4 } };

test('a worker event line is parsed to its typed event', () => {
  assert.deepEqual(parseWorkerEvent(JSON.stringify({ event: 'seed.done', result: RESULT, phases: PHASES })), { event: 'seed.done', result: RESULT, phases: PHASES });
  assert.deepEqual(parseWorkerEvent(JSON.stringify({ event: 'progress', label: 'train translator', done: 2, total: 3, rate: 1.5, unit: 'steps', etaS: 1, stage: 'g0', d: 0.7 })), {
    event: 'progress',
    label: 'train translator',
    done: 2,
    total: 3,
    rate: 1.5,
    unit: 'steps',
    etaS: 1,
    fields: { stage: 'g0', d: 0.7 },
  });
});

test('a malformed or unknown worker event line is rejected with a sentence naming what is wrong', () => {
  const rejects = (line: string, message: RegExp): void => assert.throws(() => parseWorkerEvent(line), (error: unknown) => error instanceof EventLineError && message.test(error.message));
  rejects('seed 3 done', /^Expected a JSON event line, got "seed 3 done"\.$/);
  rejects('[1, 2]', /^Expected a JSON object with a string "event" field/);
  rejects(JSON.stringify({ event: 'seed.started', seed: 3 }), /^Unknown event "seed\.started" \(expected one of progress, seed\.done\)\.$/);
  rejects(JSON.stringify({ event: 'progress', label: 'x', done: '2', total: 3, rate: 1, unit: 'it' }), /^The "progress" event needs a number "done" field, got "2"\.$/);
  rejects(JSON.stringify({ event: 'seed.done', result: { ...RESULT, final: null }, phases: PHASES }), /^The "result" of the "seed\.done" event needs a number "final" field, got null\.$/);
  rejects(JSON.stringify({ event: 'seed.done', result: RESULT }), /^The "seed\.done" event needs an object "phases" field, got none\.$/);
});
