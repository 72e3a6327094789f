import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { trainTinyModel } from '@sim2real/translation/testing';
import { createTranslatorServer, tokenSha256 } from '@sim2real/translator';
import { runMain } from './cli.js';
import { loggerFrom } from '@sim2real/telemetry';

let root: string;
let registry: string;

void before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sim2real-models-'));
  registry = path.join(root, 'registry');
  await trainTinyModel(path.join(registry, 'tiny', 'v1'));
  // v2: the same networks, recorded as a cancelled (partial) run.
  await cp(path.join(registry, 'tiny', 'v1'), path.join(registry, 'tiny', 'v2'), { recursive: true });
  const manifestFile = path.join(registry, 'tiny', 'v2', 'sim2real-model.json');
  await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await readFile(manifestFile, 'utf8')), complete: false }));
});

void after(() => rm(root, { recursive: true, force: true }));

void describe('sim2real models', () => {
  void test('lists, promotes, aliases and deletes in a registry folder', async () => {
    const list = await runMain(['models', 'list', '--registry', registry]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^tiny@v1 {2}complete/m);
    assert.match(list.stdout, /^tiny@v2 {2}partial /m);
    assert.equal((await runMain(['models', 'promote', 'tiny@v2', '--registry', registry])).code, 0);
    const aliased = await runMain(['models', 'alias', 'tiny', 'prod', 'v1', '--registry', registry, '--json']);
    assert.equal(aliased.code, 0, aliased.stderr);
    const [info] = JSON.parse(aliased.stdout) as { versions: { version: string; aliases: string[]; promoted: boolean }[] }[];
    assert.deepEqual(info!.versions.map((v) => [v.version, v.aliases, v.promoted]), [
      ['v1', ['prod'], false],
      ['v2', [], true],
    ]);
    const refused = await runMain(['models', 'delete', 'tiny@v1', '--registry', registry]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /alias\(es\) prod; move or remove them first/);
    assert.equal((await runMain(['models', 'alias', 'tiny', 'prod', '--remove', '--registry', registry])).code, 0);
    const bad = await runMain(['models', 'drop', 'tiny@v1', '--registry', registry]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /name an action: list, promote, alias or delete/);
  });

  void test('talks to a server with a token; without the admin role it is refused', async () => {
    const tokens = path.join(root, 'tokens.json');
    await writeFile(tokens, JSON.stringify([
      { name: 'ops', token_sha256: tokenSha256('admin-secret'), roles: ['admin'] },
      { name: 'app', token_sha256: tokenSha256('app-secret'), roles: ['translate'] },
    ]));
    const tokenFile = path.join(root, 'admin.token');
    await writeFile(tokenFile, 'admin-secret\n');
    const server = createTranslatorServer({ registryDir: registry, host: '127.0.0.1', port: 0, authTokensFile: tokens }, { log: loggerFrom(() => undefined) });
    const { port } = await server.start();
    try {
      const address = `127.0.0.1:${port}`;
      const deleted = await runMain(['models', 'delete', 'tiny@v2', '--server', address, '--token-file', tokenFile]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.doesNotMatch(deleted.stdout, /tiny@v2/);
      const denied = await runMain(['models', 'list', '--server', address], { SIM2REAL_TOKEN: 'app-secret' });
      assert.equal(denied.code, 0, 'translate callers may list');
      const refused = await runMain(['models', 'promote', 'tiny@v1', '--server', address], { SIM2REAL_TOKEN: 'app-secret' });
      assert.equal(refused.code, 1);
      assert.equal(refused.stderr.trim(), 'sim2real models: The caller may not call PromoteModel.');
    } finally {
      await server.shutdown(1000);
    }
  });
});
