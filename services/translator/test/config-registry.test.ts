import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { statusDetailsOf } from '@sim2real/contracts';
import { ConfigError, InvalidRequestError, ModelNotFoundError, toGrpcStatus } from '../src/errors.js';
import { resolveServerConfig, serverOptionsFromEnv } from '../src/config.js';
import { ModelRegistry, compareVersions, parseModelRef, timestampVersion } from '../src/registry.js';

void describe('server config', () => {
  void test('fills defaults and resolves the registry path', () => {
    const config = resolveServerConfig({ registryDir: 'models' });
    assert.equal(config.registryDir, path.resolve('models'));
    assert.equal(config.port, 50051);
    assert.equal(config.maxBatchSize, 16);
    assert.equal(config.backend, 'auto');
    assert.equal(config.defaultModel, undefined);
  });

  void test('rejects bad values with a sentence naming the field', () => {
    assert.throws(() => resolveServerConfig({ registryDir: '' }), (e: unknown) => e instanceof ConfigError && e.field === 'registryDir');
    assert.throws(() => resolveServerConfig({ registryDir: 'm', maxBatchSize: 0 }), /maxBatchSize must be an integer from 1/);
    assert.throws(() => resolveServerConfig({ registryDir: 'm', port: 70000 }), (e: unknown) => e instanceof ConfigError && e.field === 'port');
    assert.throws(() => resolveServerConfig({ registryDir: 'm', defaultModel: '../etc' }), /defaultModel must be/);
  });

  void test('without tokens listens on loopback only unless insecure; TLS files go together', () => {
    assert.equal(resolveServerConfig({ registryDir: 'm' }).host, '127.0.0.1');
    assert.equal(resolveServerConfig({ registryDir: 'm', authTokensFile: 't.json' }).host, '0.0.0.0');
    assert.equal(resolveServerConfig({ registryDir: 'm', insecure: true }).host, '0.0.0.0');
    assert.throws(() => resolveServerConfig({ registryDir: 'm', host: '0.0.0.0' }), /loopback only.*--auth-tokens.*--insecure/);
    assert.equal(resolveServerConfig({ registryDir: 'm', host: '::1' }).host, '::1');
    assert.throws(() => resolveServerConfig({ registryDir: 'm', tlsCertFile: 'c.pem' }), /give both or neither/);
    assert.throws(() => resolveServerConfig({ registryDir: 'm', tlsClientCaFile: 'ca.pem' }), /needs TLS/);
    assert.equal(resolveServerConfig({ registryDir: 'm', maxMessageBytes: 4096 }).maxResponseBytes, 4096);
    assert.deepEqual(serverOptionsFromEnv({ SIM2REAL_INSECURE: 'true', SIM2REAL_TRAINING_ROOT: '/data', SIM2REAL_AUTH_TOKENS: '/t.json' }), {
      insecure: true,
      trainingRoot: '/data',
      authTokensFile: '/t.json',
    });
    assert.throws(() => serverOptionsFromEnv({ SIM2REAL_REFLECTION: 'yes' }), /SIM2REAL_REFLECTION must be 1, 0, true or false/);
  });

  void test('reads the documented environment variables', () => {
    const options = serverOptionsFromEnv({ PORT: '7000', REGISTRY_DIR: '/models', DEFAULT_MODEL: 'faces@latest', MAX_BATCH_DELAY_MS: '3', TFJS_BACKEND: 'wasm', UNRELATED: 'x' });
    assert.deepEqual(options, { port: 7000, registryDir: '/models', defaultModel: 'faces@latest', maxBatchDelayMs: 3, backend: 'wasm' });
    assert.throws(() => serverOptionsFromEnv({ MAX_BATCH_SIZE: 'lots' }), /MAX_BATCH_SIZE must be an integer/);
  });

  void test('takes NATS (shared training jobs) with the credentials variables the other services read', () => {
    const options = serverOptionsFromEnv({ SIM2REAL_NATS_URL: 'nats://a:4222,nats://b:4222', SIM2REAL_NATS_CREDS: '/secrets/t.creds', TRAINING_ACK_WAIT_MS: '5000' });
    assert.deepEqual(options, { natsUrl: 'nats://a:4222,nats://b:4222', natsAuth: { credsFile: '/secrets/t.creds' }, trainingAckWaitMs: 5000 });
    const config = resolveServerConfig({ registryDir: 'models', ...options });
    assert.equal(config.natsUrl, 'nats://a:4222,nats://b:4222');
    assert.equal(resolveServerConfig({ registryDir: 'models' }).natsUrl, undefined, 'without a URL, jobs stay in the process');
    assert.throws(() => resolveServerConfig({ registryDir: 'models', trainingAckWaitMs: 10 }), /trainingAckWaitMs must be an integer at least 300/);
  });
});

void describe('error mapping', () => {
  void test('maps each error class to its status with its sentence', () => {
    const invalid = toGrpcStatus(new InvalidRequestError('Image 2 is bad.', 2));
    assert.equal(invalid.code, status.INVALID_ARGUMENT);
    assert.deepEqual(statusDetailsOf(invalid.metadata), {
      code: status.INVALID_ARGUMENT,
      message: 'Image 2 is bad.',
      fieldViolations: [{ field: 'images[2]', description: 'Image 2 is bad.' }],
      resourceInfo: undefined,
    });
    const notFound = toGrpcStatus(new ModelNotFoundError('x', 'Model "x" is not in the registry.'));
    assert.deepEqual([notFound.code, notFound.details], [status.NOT_FOUND, 'Model "x" is not in the registry.']);
    assert.deepEqual(statusDetailsOf(notFound.metadata)?.resourceInfo, {
      resourceType: 'sim2real.v1.ModelVersion',
      resourceName: 'x',
      description: 'Model "x" is not in the registry.',
    });
    assert.equal(toGrpcStatus(new Error('boom\nstack')).code, status.INTERNAL);
    assert.equal(toGrpcStatus(new Error('boom\nstack')).details, 'Internal error: boom');
  });
});

void describe('model registry', () => {
  let root: string;
  const addVersion = async (name: string, version: string, complete = true): Promise<void> => {
    await mkdir(path.join(root, name, version), { recursive: true });
    const manifest = { format: 'sim2real-model', version: 1, checkpoint: 'ckpt-000001-abcdef', complete, config: {} };
    await writeFile(path.join(root, name, version, 'sim2real-model.json'), JSON.stringify(manifest));
  };

  void before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sim2real-registry-'));
    await addVersion('faces', 'v2');
    await addVersion('faces', 'v10');
    await mkdir(path.join(root, 'faces', '.training-job-1'), { recursive: true });
    await mkdir(path.join(root, 'faces', 'incomplete'), { recursive: true });
  });
  void after(() => rm(root, { recursive: true, force: true }));

  void test('parses references and refuses path tricks', () => {
    assert.deepEqual(parseModelRef('faces'), { name: 'faces', version: undefined });
    assert.deepEqual(parseModelRef('faces@latest'), { name: 'faces', version: undefined });
    assert.deepEqual(parseModelRef('faces@v2'), { name: 'faces', version: 'v2' });
    for (const bad of ['../x', 'a@b@c', 'faces@..', '', '.hidden']) assert.throws(() => parseModelRef(bad), InvalidRequestError);
  });

  void test('orders versions naturally and ignores staging and manifest-less folders', async () => {
    const registry = new ModelRegistry({ root, defaultModel: 'faces', rescanMs: 60_000, maxLoaded: 2 });
    assert.deepEqual(await registry.versions('faces'), ['v2', 'v10']);
    assert.ok(compareVersions('20261125T063000Z', '20261125T063001Z') < 0);
    assert.equal((await registry.resolve('')).id, 'faces@v10');
    assert.equal((await registry.resolve('faces@latest')).id, 'faces@v10');
    assert.equal((await registry.resolve('faces@v2')).id, 'faces@v2');
    assert.deepEqual(await registry.names(), ['faces']);
  });

  void test('sees new versions without a restart and names what exists when one is missing', async () => {
    const registry = new ModelRegistry({ root, defaultModel: undefined, rescanMs: 60_000, maxLoaded: 2 });
    assert.equal((await registry.resolve('faces')).version, 'v10');
    await addVersion('faces', 'v11');
    assert.equal((await registry.resolve('faces@v11')).version, 'v11', 'an explicit version is looked up on disk at once');
    registry.invalidate('faces');
    assert.equal((await registry.resolve('faces')).version, 'v11');
    await assert.rejects(registry.resolve('faces@v99'), /versions of "faces": v2, v10, v11/);
    await assert.rejects(registry.resolve('hands'), ModelNotFoundError);
    await assert.rejects(registry.resolve(''), /no default model/);
  });

  void test('name and name@latest skip partial versions; promote, alias and delete change what resolves', async () => {
    const registry = new ModelRegistry({ root, defaultModel: undefined, rescanMs: 60_000, maxLoaded: 2 });
    await addVersion('hands', 'v1');
    await addVersion('hands', 'v2', false);
    assert.equal((await registry.resolve('hands')).version, 'v1', 'the partial v2 is not latest');
    assert.equal((await registry.resolve('hands@latest')).version, 'v1');
    assert.equal((await registry.resolve('hands@v2')).version, 'v2', 'a partial version is served when named');
    await registry.promote('hands@v2');
    assert.equal((await registry.resolve('hands')).version, 'v2', 'a promoted version counts as finished');
    await assert.rejects(registry.promote('hands@v9'), ModelNotFoundError);
    await assert.rejects(registry.promote('hands'), InvalidRequestError);

    await registry.alias('hands', 'prod', 'v1');
    assert.equal((await registry.resolve('hands@prod')).version, 'v1');
    assert.deepEqual((await registry.describe('hands')).map((v) => [v.version, v.aliases, v.promoted]), [
      ['v1', ['prod'], false],
      ['v2', [], true],
    ]);
    await assert.rejects(registry.alias('hands', 'latest', 'v1'), InvalidRequestError);
    await assert.rejects(registry.alias('hands', 'v2', 'v1'), /already a version/);
    await assert.rejects(registry.delete('hands@v1'), (e: unknown) => toGrpcStatus(e).code === status.FAILED_PRECONDITION && /alias\(es\) prod/.test(String(e)));
    await registry.alias('hands', 'prod', '');
    await assert.rejects(registry.resolve('hands@prod'), ModelNotFoundError);
    await registry.delete('hands@v1');
    assert.deepEqual(await registry.versions('hands', true), ['v2']);
    await registry.delete('hands@v2');
    await assert.rejects(registry.resolve('hands'), ModelNotFoundError);
  });

  void test('new timestamp versions sort after the newest one', async () => {
    const registry = new ModelRegistry({ root, defaultModel: undefined, rescanMs: 0, maxLoaded: 2 });
    const now = new Date('2026-11-25T06:30:00.500Z');
    assert.equal(timestampVersion(now), '20261125T063000Z');
    assert.equal(await registry.nextVersion('gen', now), '20261125T063000Z');
    await addVersion('gen', '20261125T063000Z');
    const next = await registry.nextVersion('gen', now);
    assert.equal(next, '20261125T063001Z');
    assert.ok(compareVersions(next, '20261125T063000Z') > 0);
  });

  void test('concurrent publishers on one registry folder reserve distinct versions', async () => {
    // One registry object per publisher, as separate processes or replicas would have: only the folder is shared.
    const now = new Date('2026-11-25T07:00:00Z');
    const publishers = Array.from({ length: 8 }, () => new ModelRegistry({ root, defaultModel: undefined, rescanMs: 0, maxLoaded: 1 }));
    const versions = await Promise.all(publishers.map((registry) => registry.reserveVersion('race', now)));
    assert.equal(new Set(versions).size, versions.length, versions.join(' '));
    for (const version of versions) assert.match(version, /^20261125T0700\d\dZ$/);
    // A reserved folder is empty, hence no version until its publisher renames a model onto it.
    assert.deepEqual(await publishers[0]!.versions('race', true), []);
    assert.equal((await readdir(path.join(root, 'race'))).length, versions.length);
  });
});
