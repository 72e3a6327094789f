import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createTranslatorClient, makeCa, makeLeaf } from '@sim2real/client';
import type { CertFiles, TranslatorClient } from '@sim2real/client';
import { createTranslatorServer } from '../src/index.js';
import type { TrainingEventOut, TranslatorServer } from '../src/index.js';
import { collectLogs, pngOf, quietLog, statusOf, tempDir, tinyConfig, trainTinyModel, writeImageFolder, writeTokensFile } from './helpers.js';

const TOKENS = { translator: 'tok-translate-1', trainer: 'tok-train-1', trainer2: 'tok-train-2', admin: 'tok-admin-1' } as const;
type Principal = keyof typeof TOKENS | 'none' | 'unknown';

let root: string;
let remove: () => Promise<void>;
let ca: CertFiles;
let serverCert: CertFiles;
let server: TranslatorServer;
let address: string;
const logs: Record<string, unknown>[] = [];
const clients: TranslatorClient[] = [];

function client(principal: Principal, caFile = ca.cert, target = address): TranslatorClient {
  const token = principal === 'none' ? undefined : principal === 'unknown' ? 'not-a-token' : TOKENS[principal];
  const made = createTranslatorClient(target, { tls: { ca: readFileSyncBuffer(caFile) }, token });
  clients.push(made);
  return made;
}

const pem = new Map<string, Buffer>();
function readFileSyncBuffer(file: string): Buffer {
  return pem.get(file)!;
}
async function loadPem(...files: string[]): Promise<void> {
  for (const file of files) pem.set(file, await readFile(file));
}


void before(async () => {
  ({ dir: root, remove } = await tempDir('security'));
  const pki = path.join(root, 'pki');
  await mkdir(pki);
  ca = makeCa(pki, 'ca');
  serverCert = makeLeaf(pki, 'server', ca, 'server');
  await loadPem(ca.cert);
  const tokensFile = path.join(root, 'tokens.json');
  await writeTokensFile(tokensFile, TOKENS);
  const registryDir = path.join(root, 'registry');
  await trainTinyModel(path.join(registryDir, 'tiny', 'v1'));
  await cp(path.join(registryDir, 'tiny', 'v1'), path.join(registryDir, 'broken', 'v1'), { recursive: true });
  const data = path.join(root, 'data');
  await writeImageFolder(path.join(data, 'source'), 4, 16, 1);
  await writeImageFolder(path.join(data, 'target'), 4, 16, 50);
  await writeImageFolder(path.join(root, 'outside'), 2, 16, 9);
  await symlink(path.join(root, 'outside'), path.join(data, 'escape'));
  await symlink(path.join(root, 'outside', '0.png'), path.join(data, 'source', 'zz-linked-out.png'));
  server = createTranslatorServer(
    {
      registryDir,
      host: '127.0.0.1',
      port: 0,
      authTokensFile: tokensFile,
      tlsCertFile: serverCert.cert,
      tlsKeyFile: serverCert.key,
      trainingRoot: data,
      trainingMaxSteps: 1000,
      registryRescanMs: 0,
    },
    { log: collectLogs(logs) },
  );
  const { port } = await server.start();
  address = `localhost:${port}`;
});

void after(async () => {
  for (const c of clients) c.close();
  await server.shutdown(2000);
  await remove();
});

const image = async () => ({ data: await pngOf(8, 8) });

void describe('tokens and roles', () => {
  void test('each method answers each principal with OK, UNAUTHENTICATED or PERMISSION_DENIED, saying nothing more', async () => {
    const calls: Record<string, { role: 'translate' | 'train' | 'admin'; call: (c: TranslatorClient) => Promise<unknown> }> = {
      Translate: { role: 'translate', call: async (c) => c.translate({ model: 'tiny', images: [await image()] }) },
      ListModels: { role: 'translate', call: (c) => c.listModels() },
      GetModel: { role: 'translate', call: (c) => c.getModel('tiny') },
      // Past the access layer, these fail on their argument (INVALID_ARGUMENT / NOT_FOUND), never on the caller.
      StartTraining: { role: 'train', call: (c) => c.startTraining({ modelName: '../bad', sourceUri: 'source', targetUri: 'target' }) },
      CancelTraining: { role: 'train', call: (c) => c.cancelTraining('job-none') },
      PromoteModel: { role: 'admin', call: (c) => c.promoteModel('tiny@none') },
      AliasModel: { role: 'admin', call: (c) => c.aliasModel('tiny', 'prod', 'none') },
      DeleteModel: { role: 'admin', call: (c) => c.deleteModel('tiny@none') },
    };
    const level = { translate: 0, train: 1, admin: 2 } as const;
    const roleOf: Record<keyof typeof TOKENS, keyof typeof level> = { translator: 'translate', trainer: 'train', trainer2: 'train', admin: 'admin' };
    const details = new Map<number, Set<string>>();
    for (const principal of ['none', 'unknown', 'translator', 'trainer', 'admin'] as const) {
      const c = client(principal);
      for (const [method, { role, call }] of Object.entries(calls)) {
        const code = await call(c).then(
          () => grpc.status.OK,
          (error: grpc.ServiceError) => {
            if (error.code === grpc.status.UNAUTHENTICATED || error.code === grpc.status.PERMISSION_DENIED) {
              if (!details.has(error.code)) details.set(error.code, new Set());
              details.get(error.code)!.add(error.details.replace(method, '<method>'));
            }
            return error.code;
          },
        );
        const expected =
          principal === 'none' || principal === 'unknown'
            ? grpc.status.UNAUTHENTICATED
            : level[roleOf[principal]] >= level[role]
              ? 'allowed'
              : grpc.status.PERMISSION_DENIED;
        if (expected === 'allowed') assert.ok(![grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED].includes(code), `${principal} ${method}: ${code}`);
        else assert.equal(code, expected, `${principal} ${method}`);
      }
    }
    assert.deepEqual([...details.get(grpc.status.UNAUTHENTICATED)!], ['This call needs a valid token: send "authorization: Bearer <token>".'], 'missing and unknown tokens read the same');
    assert.deepEqual([...details.get(grpc.status.PERMISSION_DENIED)!], ['The caller may not call <method>.']);
    const logged = JSON.stringify(logs);
    for (const token of Object.values(TOKENS)) assert.ok(!logged.includes(token), 'no token in the logs');
    assert.ok(logs.some((l) => l.event === 'call_refused' && l.caller === 'translator' && l.method === 'PromoteModel'));
  });

  void test('streams are guarded too; health is open; reflection is off unless asked for', async () => {
    const stream = client('none').raw.watchTraining({ jobId: 'x' });
    const refused = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    assert.equal(refused.code, grpc.status.UNAUTHENTICATED);
    const health = new grpc.Client(address, grpc.credentials.createSsl(readFileSyncBuffer(ca.cert)));
    const check = await new Promise<grpc.ServiceError | null>((resolve) =>
      health.makeUnaryRequest('/grpc.health.v1.Health/Check', () => Buffer.alloc(0), (b: Buffer) => b, {}, (error) => resolve(error)),
    );
    assert.equal(check, null, 'health answers without a token');
    const reflection = await new Promise<grpc.ServiceError>((resolve) => {
      const call = health.makeBidiStreamRequest('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', () => Buffer.alloc(0), (b: Buffer) => b);
      call.on('error', resolve);
      call.on('data', () => undefined);
      call.end();
    });
    assert.equal(reflection.code, grpc.status.UNIMPLEMENTED);
    health.close();
  });
});

void describe('TLS', () => {
  void test('a plaintext client and a client trusting another CA are refused; certificates reload without a restart', async () => {
    const plain = createTranslatorClient(address, { token: TOKENS.admin });
    clients.push(plain);
    assert.equal((await statusOf(plain.listModels({}, { timeoutMs: 3000 }))).code, grpc.status.UNAVAILABLE);
    const pki = path.join(root, 'pki');
    const otherCa = makeCa(pki, 'other-ca');
    await loadPem(otherCa.cert);
    assert.equal((await statusOf(client('admin', otherCa.cert).listModels({}, { timeoutMs: 3000 }))).code, grpc.status.UNAVAILABLE);

    // Swap the server's identity to one from the other CA: new connections follow it at once.
    const next = makeLeaf(pki, 'server-2', otherCa, 'server');
    await copyFile(next.cert, serverCert.cert);
    await copyFile(next.key, serverCert.key);
    await server.reloadCertificates();
    assert.ok((await client('admin', otherCa.cert).listModels({}, { timeoutMs: 5000 })).models.length > 0, 'the new certificate is served');
    assert.equal((await statusOf(client('admin', ca.cert).listModels({}, { timeoutMs: 3000 }))).code, grpc.status.UNAVAILABLE);
    // A broken key is refused and the working certificate stays.
    await writeFile(serverCert.key, 'not a key');
    await server.reloadCertificates();
    assert.ok(logs.some((l) => l.event === 'tls_reload_failed'));
    assert.ok((await client('admin', otherCa.cert).listModels({}, { timeoutMs: 5000 })).models.length > 0);
    ca = otherCa;
  });

  void test('mTLS: no client certificate or one from another CA is refused, ours is served', async () => {
    const dir = path.join(root, 'mtls');
    await mkdir(dir);
    const serverCa = makeCa(dir, 'server-ca');
    const clientCa = makeCa(dir, 'client-ca');
    const strangerCa = makeCa(dir, 'stranger-ca');
    const leaf = makeLeaf(dir, 'server', serverCa, 'server');
    const good = makeLeaf(dir, 'good-client', clientCa, 'client');
    const bad = makeLeaf(dir, 'bad-client', strangerCa, 'client');
    const registryDir = path.join(root, 'registry');
    const mtls = createTranslatorServer(
      { registryDir, host: '127.0.0.1', port: 0, tlsCertFile: leaf.cert, tlsKeyFile: leaf.key, tlsClientCaFile: clientCa.cert },
      { log: quietLog },
    );
    const { port } = await mtls.start();
    try {
      const serverCaPem = await readFile(serverCa.cert);
      const connect = async (pair: CertFiles | undefined): Promise<number> => {
        const tls = pair ? { ca: serverCaPem, key: await readFile(pair.key), cert: await readFile(pair.cert) } : { ca: serverCaPem };
        const c = createTranslatorClient(`localhost:${port}`, { tls });
        clients.push(c);
        return c.listModels({}, { timeoutMs: 3000 }).then(
          () => grpc.status.OK,
          (error: grpc.ServiceError) => error.code,
        );
      };
      assert.equal(await connect(good), grpc.status.OK);
      assert.equal(await connect(bad), grpc.status.UNAVAILABLE);
      assert.equal(await connect(undefined), grpc.status.UNAVAILABLE);
    } finally {
      await mtls.shutdown(1000);
    }
  });
});

void describe('models', () => {
  void test('a corrupted model file is refused with FAILED_PRECONDITION naming it, while other models serve', async () => {
    const dir = path.join(root, 'registry', 'broken', 'v1');
    const manifest = JSON.parse(await readFile(path.join(dir, 'sim2real-model.json'), 'utf8')) as { files: Record<string, string> };
    const weights = Object.keys(manifest.files).find((f) => f.endsWith('.bin'))!;
    assert.ok(weights, 'the manifest records the weights');
    await truncate(path.join(dir, ...weights.split('/')), 10);
    const c = client('admin');
    const failure = await statusOf(c.translate({ model: 'broken', images: [await image()] }));
    assert.equal(failure.code, grpc.status.FAILED_PRECONDITION);
    assert.ok(failure.details.includes(weights), failure.details);
    const ok = await c.translate({ model: 'tiny', images: [await image()] });
    assert.equal(ok.modelVersion, 'tiny@v1');
  });

  void test('admins promote, alias and delete; the alias serves', async () => {
    const c = client('admin');
    await c.aliasModel('tiny', 'prod', 'v1');
    assert.equal((await c.translate({ model: 'tiny@prod', images: [await image()] })).modelVersion, 'tiny@v1');
    const info = await c.getModel('tiny');
    assert.deepEqual(info.versions[0]!.aliases, ['prod']);
    assert.equal(info.versions[0]!.complete, true);
    assert.equal((await statusOf(c.deleteModel('tiny@v1'))).code, grpc.status.FAILED_PRECONDITION);
    const left = await c.deleteModel('broken@v1');
    assert.equal(left.versions.length, 0);
  });
});

void describe('confined training', () => {
  void test('paths outside the root are refused alike, whether they exist, and through a symlink', async () => {
    const c = client('trainer');
    const sentences = new Set<string>();
    for (const uri of [path.join(root, 'outside'), path.join(root, 'nowhere'), '../outside', 'escape', `file://${path.join(root, 'data', 'escape')}`, 'missing']) {
      const refused = await statusOf(c.startTraining({ modelName: 'x', sourceUri: uri, targetUri: 'target', config: tinyConfig(3) }));
      assert.equal(refused.code, grpc.status.INVALID_ARGUMENT, uri);
      sentences.add(refused.details.replace(JSON.stringify(uri), '<uri>'));
    }
    assert.deepEqual([...sentences], ['source_uri <uri> is not a folder under the server\'s training root.']);
    const tooLong = await statusOf(c.startTraining({ modelName: 'x', sourceUri: 'source', targetUri: 'target', config: tinyConfig(5000) }));
    assert.equal(tooLong.code, grpc.status.INVALID_ARGUMENT);
    assert.match(tooLong.details, /trainingMaxSteps/);
  });

  void test("a job killed by a signal ends FAILED with the reason, serving goes on; others' jobs are out of reach", async () => {
    const trainer = client('trainer');
    const job = await trainer.startTraining({ modelName: 'killed', sourceUri: 'source', targetUri: 'target', config: tinyConfig(900) });
    const events: TrainingEventOut[] = [];
    const watch = trainer.watchTraining(job.jobId);
    for await (const event of watch) {
      events.push(event);
      if ((event).step >= 1) break;
    }
    assert.ok(events.some((e) => /a link out of the allowed folder/.test(e.message)), 'the file linked out of the root was skipped');
    assert.equal((await statusOf(client('trainer2').cancelTraining(job.jobId))).code, grpc.status.PERMISSION_DENIED);
    const pid = logs.find((l) => l.event === 'training_started' && l.job === job.jobId)?.pid as number;
    process.kill(pid, 'SIGKILL');
    const all: TrainingEventOut[] = [];
    for await (const event of client('admin').watchTraining(job.jobId)) all.push(event);
    const end = all.at(-1)!;
    assert.equal(end.state, 'JOB_STATE_FAILED');
    assert.match(end.message, /killed by SIGKILL/);
    assert.equal((await trainer.translate({ model: 'tiny', images: [await image()] })).results.length, 1);
    assert.equal((await statusOf(trainer.getModel('killed'))).code, grpc.status.NOT_FOUND, 'nothing was published');
  });
});

void describe('limits of an open loopback server', () => {
  void test('remote training is off without a root; unary calls and response bytes are capped', async () => {
    const registryDir = path.join(root, 'registry');
    const open = createTranslatorServer(
      { registryDir, port: 0, maxConcurrentUnaryCalls: 1, maxBatchDelayMs: 300, maxResponseBytes: 2048, maxQueuedImages: 2 },
      { log: quietLog },
    );
    const { port } = await open.start();
    assert.equal(open.config.host, '127.0.0.1');
    const c = createTranslatorClient(`127.0.0.1:${port}`);
    clients.push(c);
    try {
      const disabled = await statusOf(c.startTraining({ modelName: 'x', sourceUri: '/tmp', targetUri: '/tmp' }));
      assert.equal(disabled.code, grpc.status.FAILED_PRECONDITION);
      assert.match(disabled.details, /remote training is disabled/i);
      const raw = { data: new Uint8Array(32 * 32 * 3), encoding: 'ENCODING_RAW_RGB8' as const, width: 32, height: 32 };
      const big = await statusOf(c.translate({ model: 'tiny', images: [raw], outputEncoding: 'ENCODING_RAW_RGB8' }));
      assert.equal(big.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(big.details, /maxResponseBytes/);
      // Admission before decoding: the undecodable bytes are never looked at, the request cannot be queued.
      const garbage = { data: new Uint8Array([1, 2, 3]) };
      const full = await statusOf(c.translate({ model: 'tiny', images: [garbage, garbage, garbage] }));
      assert.equal(full.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(full.details, /maxQueuedImages/);
      const codes = await Promise.all(
        Array.from({ length: 4 }, async () => c.translate({ model: 'tiny', images: [await image()] }).then(() => grpc.status.OK, (e: grpc.ServiceError) => e.code)),
      );
      assert.ok(codes.includes(grpc.status.OK));
      assert.ok(codes.includes(grpc.status.RESOURCE_EXHAUSTED), codes.join());
    } finally {
      await open.shutdown(1000);
    }
  });
});
