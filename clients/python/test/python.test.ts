import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pythonExecutable, startTranslatorProcess, tinyRegistry } from '@sim2real/client/testing';
import type { TranslatorProcess } from '@sim2real/client/testing';
import { encodePng } from '@sim2real/imaging';
import { noiseImage } from '@sim2real/translation/testing';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

let registry: Awaited<ReturnType<typeof tinyRegistry>>;
let server: TranslatorProcess;

void before(async () => {
  registry = await tinyRegistry(['tiny', 'tiny2']);
  for (const [side, seed] of [['source', 1], ['target', 50]] as const) {
    const dir = path.join(registry.dir, '.data', side);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 4; i++) await writeFile(path.join(dir, `${i}.png`), await encodePng(noiseImage(16, 16, seed + i)));
  }
  server = await startTranslatorProcess({ REGISTRY_DIR: registry.dir, DEFAULT_MODEL: 'tiny', SIM2REAL_TRAINING_ROOT: path.join(registry.dir, '.data') });
});

void after(async () => {
  await server?.stop();
  await registry?.remove();
});

void test('the Python client passes its unittest suite against a real translator', async () => {
  const child = spawn(pythonExecutable(), ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
    cwd: packageDir,
    env: {
      ...process.env,
      PYTHONPATH: packageDir,
      SIM2REAL_TRANSLATOR: server.address,
      SIM2REAL_TRAIN_SOURCE: path.join(registry.dir, '.data', 'source'),
      SIM2REAL_TRAIN_TARGET: path.join(registry.dir, '.data', 'target'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  process.stderr.write(output);
  assert.equal(code, 0, `python3 -m unittest failed:\n${output}`);
  assert.doesNotMatch(output, /skipped/, 'no Python test was skipped');
  assert.match(output, /Ran (\d+) tests/);
});
