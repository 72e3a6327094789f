import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { translationOptionsJsonSchema, translationOptionsSchema } from '../src/index.js';
import { CONFIG_SCHEMA_FILE } from '../scripts/config-schema-file.js';

void test('config.schema.json is the JSON Schema of the translation options as they are now', async () => {
  const committed = await readFile(CONFIG_SCHEMA_FILE, 'utf8');
  assert.ok(committed === translationOptionsJsonSchema(), 'config.schema.json is stale: run `npm run gen:schema -w @sim2real/translation` and commit it.');
});

void test('the JSON Schema lists every option, with the shared defaults and a description each', () => {
  const schema = JSON.parse(translationOptionsJsonSchema()) as { properties: Record<string, { default?: unknown; description?: string }> };
  assert.deepEqual(Object.keys(schema.properties), Object.keys(translationOptionsSchema.shape));
  assert.equal(schema.properties.imageSize?.default, 64);
  assert.equal(schema.properties.generatorWidth?.default, undefined, 'a preset sets it');
  for (const [key, property] of Object.entries(schema.properties)) assert.ok(property.description, `${key} has a description`);
});
