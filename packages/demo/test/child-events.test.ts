import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLineError } from '@sim2real/progress';
import { parseChildEvent } from '../src/index.js';

test('the events the demo follows are parsed from its children\'s log lines, typed', () => {
  const serving = { time: '2026-12-07T23:00:00.000Z', level: 'info', service: 'translator', event: 'serving', port: 40123, host: '127.0.0.1', backend: 'wasm' };
  assert.deepEqual(parseChildEvent(JSON.stringify(serving)), { event: 'serving', port: 40123, backend: 'wasm' });
  assert.deepEqual(parseChildEvent('{"event":"regressor.eval","step":8,"mse":0.75,"samples":16}'), { event: 'regressor.eval', mse: 0.75 });
  assert.deepEqual(parseChildEvent('{"event":"regress.done","dataset":"d","source":"adapted"}'), { event: 'regress.done', lastEvalMse: undefined });
  const published = { event: 'published', dataset: 'd', style: 'sim', batches: 2, samples: 32, bytes: 100, duplicates: 0 };
  assert.deepEqual(parseChildEvent(JSON.stringify(published)), { event: 'published', batches: 2, samples: 32, record: published });
  const progress = parseChildEvent('{"event":"progress","label":"regress","done":1,"total":2,"rate":0.5,"unit":"batches","etaS":2,"steps":4,"loss":0.3}');
  assert.deepEqual(progress, { event: 'progress', label: 'regress', done: 1, total: 2, rate: 0.5, unit: 'batches', etaS: 2, fields: { steps: 4, loss: 0.3 } });
});

test('text, other JSON and events the demo does not follow are no events', () => {
  for (const line of ['translator listening on 127.0.0.1:40123 (backend wasm)', 'translator config: {"port":0}', '{"event":"model_loaded","model":"m"}', '{"not":"an event"}', '{ broken']) {
    assert.equal(parseChildEvent(line), undefined, line);
  }
});

test('a followed event with a missing or mistyped field is rejected with a sentence naming it', () => {
  assert.throws(
    () => parseChildEvent('{"event":"serving","port":"40123","backend":"wasm"}'),
    (error: unknown) => error instanceof EventLineError && error.message === 'The "serving" event needs a number "port" field, got "40123".',
  );
  assert.throws(() => parseChildEvent('{"event":"regressor.eval","step":8}'), /The "regressor\.eval" event needs a number "mse" field, got none\./);
});
