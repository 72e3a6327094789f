import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, readTranslationOptions } from '../src/index.js';

test('readTranslationOptions reads a JSON object and refuses anything else with a sentence', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sim2real-options-file-'));
  try {
    const file = (name: string, text: string): Promise<string> => writeFile(path.join(dir, name), text).then(() => path.join(dir, name));
    assert.deepEqual(await readTranslationOptions(await file('ok.json', '{"generatorWidth": 4, "preset": "paper"}')), { generatorWidth: 4, preset: 'paper' });
    // Every option of the schema is known, the per-run schedules and the λ group's fields included.
    const perRun = '{"samplesPerRun": 3, "checkpointsPerRun": 2, "lambda": {"intervalsPerRun": 5, "step": 0.001}}';
    assert.deepEqual(await readTranslationOptions(await file('per-run.json', perRun)), JSON.parse(perRun));
    // A misspelt option is refused by name, not dropped unread.
    const misspelt = (name: string) => (error: unknown) => error instanceof ConfigError && new RegExp(`sets "${name}", which is not a translation option`).test(error.message);
    await assert.rejects(readTranslationOptions(await file('typo.json', '{"generatorWdith": 4}')), misspelt('generatorWdith'));
    await assert.rejects(readTranslationOptions(await file('lambda.json', '{"lambda": {"interval": 9}}')), misspelt('lambda\\.interval'));
    await assert.rejects(readTranslationOptions(await file('list.json', '[1, 2]')), (error: unknown) => error instanceof ConfigError && /list\.json must hold a JSON object\.$/.test(error.message));
    await assert.rejects(readTranslationOptions(await file('bad.json', '{')), (error: unknown) => error instanceof ConfigError && /bad\.json is not a readable JSON file/.test(error.message));
    await assert.rejects(readTranslationOptions(path.join(dir, 'missing.json')), /missing\.json is not a readable JSON file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
