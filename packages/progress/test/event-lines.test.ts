import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLineError, eventFields, parseEventObject } from '../src/index.js';

test('an event line is a JSON object with a string event; its fields are read typed', () => {
  const line = JSON.stringify({ event: 'serving', port: 4000, host: 'localhost', tls: true, limits: { batch: 4 } });
  const event = parseEventObject(line);
  const fields = eventFields(event, 'the "serving" event', line);
  assert.deepEqual([event.event, fields.number('port'), fields.string('host'), fields.boolean('tls'), fields.object('limits'), fields.optionalNumber('httpPort')], [
    'serving',
    4000,
    'localhost',
    true,
    { batch: 4 },
    undefined,
  ]);
  assert.throws(() => fields.number('host'), (error: unknown) => error instanceof EventLineError && error.message === 'The "serving" event needs a number "host" field, got "localhost".');
});

test('a line that is not an event object is an EventLineError holding the line', () => {
  for (const line of ['translator listening', '{"event": 3}', 'null', '{']) {
    assert.throws(() => parseEventObject(line), (error: unknown) => error instanceof EventLineError && error.line === line, line);
  }
});
