import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MANIFEST_FILE, type TranslationConfig, readModelManifest } from '../src/index.js';
import { tempDir, tinyConfig } from './helpers.js';

async function writeManifest(config: object): Promise<string> {
  const modelDir = await tempDir();
  const manifest = { format: 'sim2real-model', version: 1, config, checkpoint: 'ckpt-000003-abcdef', stage: 'joint', step: 3 };
  await writeFile(join(modelDir, MANIFEST_FILE), JSON.stringify(manifest));
  return modelDir;
}

void test('a manifest written before a config field existed reads with the value that model was trained with', async () => {
  const earlier: Partial<TranslationConfig> = tinyConfig();
  delete earlier.upsampling;
  delete earlier.refinementDiscriminatorRateScale;
  const manifest = await readModelManifest(await writeManifest(earlier));
  assert.equal(manifest.config.upsampling, 'transposed');
  assert.equal(manifest.config.refinementDiscriminatorRateScale, 1);
});

void test('a current manifest reads with its own config unchanged', async () => {
  const config = tinyConfig({ refinementDiscriminatorRateScale: 0.25 });
  const manifest = await readModelManifest(await writeManifest(config));
  assert.deepEqual(manifest.config, config);
});
