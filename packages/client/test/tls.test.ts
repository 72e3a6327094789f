import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { sim2realV1 } from '@sim2real/contracts';
import { TranslatorCallError, createTranslatorClient } from '../src/index.js';
import { makeCa, makeLeaf } from '../src/pki.js';

/*
 * TLS and tokens against a real grpc-js server on loopback that serves the Translator contract's ListModels and
 * answers with what it received: the translator's own TLS and token checks are its tests' business.
 */
let dir: string;
let server: grpc.Server;
let address: string;
const pem: Record<string, Buffer> = {};

void before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-client-tls-'));
  const ca = makeCa(dir, 'ca');
  const serverFiles = makeLeaf(dir, 'server', ca, 'server');
  const clientFiles = makeLeaf(dir, 'client', ca, 'client');
  const files = { 'ca.pem': ca.cert, 'server.pem': serverFiles.cert, 'server.key': serverFiles.key, 'client.pem': clientFiles.cert, 'client.key': clientFiles.key };
  for (const [name, file] of Object.entries(files)) pem[name] = await readFile(file);

  server = new grpc.Server();
  server.addService(sim2realV1.Translator.service, {
    ListModels: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const authorization = call.metadata.get('authorization')[0] ?? '';
      callback(null, { models: [{ name: String(authorization) }], nextPageToken: '' });
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(pem['ca.pem']!, [{ cert_chain: pem['server.pem']!, private_key: pem['server.key']! }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  address = `127.0.0.1:${port}`;
});

void after(async () => {
  server?.forceShutdown();
  await rm(dir, { recursive: true, force: true });
});

void test('mutual TLS with a CA, a client certificate and a server name; the token goes as a Bearer header', async () => {
  const client = createTranslatorClient(address, {
    tls: { ca: pem['ca.pem'], cert: pem['client.pem'], key: pem['client.key'], serverName: 'localhost' },
    token: 's3cret',
    retry: { maxAttempts: 1 },
  });
  const page = await client.listModels();
  client.close();
  assert.deepEqual(page.models.map((m) => m.name), ['Bearer s3cret']);
});

void test('a server certificate from another CA, or no client certificate, fails the call', async () => {
  const strangerCa = pem['server.pem']!; // not the CA that signed the server's certificate
  for (const tls of [{ ca: strangerCa, cert: pem['client.pem'], key: pem['client.key'], serverName: 'localhost' }, { ca: pem['ca.pem'], serverName: 'localhost' }]) {
    const client = createTranslatorClient(address, { tls, retry: { maxAttempts: 1 }, timeoutMs: 5000 });
    const error = await client.listModels().then(
      () => assert.fail('the call succeeded'),
      (e: unknown) => e,
    );
    client.close();
    assert.ok(error instanceof TranslatorCallError);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
  }
});
