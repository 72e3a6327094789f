import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { choice, flag, integer, list, parseConfig, real, requiredText, sentence } from '../src/index.js';

class TestConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
const toError = (field: string, message: string): Error => new TestConfigError(field, message);

const schema = z
  .object({
    size: integer(8, 64).default(16),
    count: integer(0).optional(),
    rate: real(0, 1, { minExclusive: true }).default(0.5),
    jitter: real(0, 1, { maxExclusive: true }).optional(),
    share: real(0, 1).optional(),
    mode: choice(['fast', 'exact']).default('fast'),
    on: flag().default(false),
    dir: requiredText('a folder path').optional(),
    even: z
      .number()
      .refine((n) => n % 2 === 0, { error: (issue) => `must be even, got ${String(issue.input)}` })
      .optional(),
    nested: z.object({ layers: list(choice(['a', 'b']), { nonEmpty: true }).default(['a']) }).prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.on && config.count === undefined) ctx.addIssue(sentence('count', 'on needs a count: give count, or set on to false.'));
  });

/** The error `input` gets, as [field, message]. */
function failure(input: unknown): [string, string] {
  try {
    parseConfig(schema, input, toError);
  } catch (error) {
    assert.ok(error instanceof TestConfigError);
    return [error.field, error.message];
  }
  assert.fail(`${JSON.stringify(input)} was accepted`);
}

void test('defaults fill what is not given', () => {
  assert.deepEqual(parseConfig(schema, {}, toError), { size: 16, rate: 0.5, mode: 'fast', on: false, nested: { layers: ['a'] } });
});

void test("a field's own problem becomes one sentence that names it and what it got", () => {
  assert.deepEqual(failure({ size: 4 }), ['size', 'size must be an integer from 8 to 64, got 4.']);
  assert.deepEqual(failure({ size: 9.5 }), ['size', 'size must be an integer from 8 to 64, got 9.5.']);
  assert.deepEqual(failure({ size: '9' }), ['size', 'size must be an integer from 8 to 64, got "9".']);
  assert.deepEqual(failure({ count: -1 }), ['count', 'count must be an integer at least 0, got -1.']);
  assert.deepEqual(failure({ rate: 0 }), ['rate', 'rate must be a number greater than 0 and at most 1, got 0.']);
  assert.deepEqual(failure({ jitter: 1 }), ['jitter', 'jitter must be a number at least 0 and less than 1, got 1.']);
  assert.deepEqual(failure({ share: 2 }), ['share', 'share must be a number from 0 to 1, got 2.']);
  assert.deepEqual(failure({ rate: Number.NaN }), ['rate', 'rate must be a number greater than 0 and at most 1, got NaN.']);
  assert.deepEqual(failure({ mode: 'slow' }), ['mode', `mode must be one of 'fast', 'exact', got "slow".`]);
  assert.deepEqual(failure({ on: 'yes' }), ['on', 'on must be true or false, got "yes".']);
  assert.deepEqual(failure({ dir: '' }), ['dir', 'dir must be a folder path, got "".']);
  assert.deepEqual(failure({ even: 3 }), ['even', 'even must be even, got 3.']);
});

void test('list entries are reported under the list, nested fields by their dotted path', () => {
  assert.deepEqual(failure({ nested: { layers: ['a', 'c'] } }), ['nested.layers', `nested.layers must be one of 'a', 'b', got "c".`]);
  assert.deepEqual(failure({ nested: { layers: [] } }), ['nested.layers', 'nested.layers must be a non-empty list, got [].']);
  assert.deepEqual(failure({ nested: { layers: 'a' } }), ['nested.layers', 'nested.layers must be a non-empty list, got "a".']);
});

void test("a refinement's sentence stands as it is, under the field it names", () => {
  assert.deepEqual(failure({ on: true }), ['count', 'on needs a count: give count, or set on to false.']);
});
