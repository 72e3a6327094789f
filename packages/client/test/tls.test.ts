import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { sim2realV1 } from '@sim2real/contracts';
import { TranslatorCallError, createTranslatorClient } from '../src/index.js';

/*
 * TLS and tokens against a real grpc-js server on loopback that serves the Translator contract's ListModels and
 * answers with what it received: the translator's own TLS and token checks are its tests' business.
 */
let dir: string;
let server: grpc.Server;
let address: string;
const pem: Record<string, Buffer> = {};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

void before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-client-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=sim2real test CA');
  await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=DNS:translator.test\n');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', 'san.ext');
  }
  for (const file of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key']) pem[file] = await readFile(path.join(dir, file));

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
    tls: { ca: pem['ca.pem'], cert: pem['client.pem'], key: pem['client.key'], serverName: 'translator.test' },
    token: 's3cret',
    retry: { maxAttempts: 1 },
  });
  const page = await client.listModels();
  client.close();
  assert.deepEqual(page.models.map((m) => m.name), ['Bearer s3cret']);
});

void test('a server certificate from another CA, or no client certificate, fails the call', async () => {
  const strangerCa = pem['server.pem']!; // not the CA that signed the server's certificate
  for (const tls of [{ ca: strangerCa, cert: pem['client.pem'], key: pem['client.key'], serverName: 'translator.test' }, { ca: pem['ca.pem'], serverName: 'translator.test' }]) {
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
