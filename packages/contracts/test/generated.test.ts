import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const generatedDir = join(packageDir, 'src', 'generated');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

void test('src/generated is exactly what the gen script produces from proto/ (no drift)', () => {
  const script = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { scripts: { gen: string } }).scripts.gen;
  const outDir = mkdtempSync(join(tmpdir(), 'sim2real-gen-'));
  try {
    const [bin, ...args] = script.replace('--outDir src/generated', `--outDir ${outDir}`).split(/\s+/);
    assert.ok(args.includes(outDir), 'the gen script writes to --outDir src/generated');
    execFileSync(join(packageDir, '..', '..', 'node_modules', '.bin', bin!), args, { cwd: packageDir, stdio: 'pipe' });
    const fresh = listFiles(outDir);
    assert.deepEqual(fresh, listFiles(generatedDir));
    for (const file of fresh) {
      assert.equal(readFileSync(join(outDir, file), 'utf8'), readFileSync(join(generatedDir, file), 'utf8'), file);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
