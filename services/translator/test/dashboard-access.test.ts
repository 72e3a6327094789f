import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { exportOnnx } from '@sim2real/onnx-export';
import { startTelemetry } from '@sim2real/telemetry';
import type { Telemetry } from '@sim2real/telemetry';
import { createTranslatorServer } from '../src/index.js';
import type { TranslatorServer } from '../src/index.js';
import { makeCa, makeLeaf } from '@sim2real/client';
import type { CertFiles } from '@sim2real/client';
import { collectLogs, pngOf, quietLog, tempDir, tinyConfig, trainTinyModel, writeImageFolder, writeTokensFile } from './helpers.js';

const TOKENS = { translator: 'tok-dash-translate', trainer: 'tok-dash-train', trainer2: 'tok-dash-train-2', admin: 'tok-dash-admin' } as const;
type Principal = keyof typeof TOKENS | 'none' | 'unknown';
const LEVEL = { open: -1, authenticated: 0, translate: 0, train: 1, admin: 2 } as const;
const ROLE_LEVEL: Record<keyof typeof TOKENS, number> = { translator: 0, trainer: 1, trainer2: 1, admin: 2 };

let root: string;
let remove: () => Promise<void>;
let telemetry: Telemetry;
let server: TranslatorServer;
let ca: Buffer;
let httpPort: number;
let trainerJob: string;
const logs: Record<string, unknown>[] = [];
const clients: TranslatorClient[] = [];

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTPS request on a fresh connection (so that a certificate swap is seen), trusting `trust`. */
function call(
  route: string,
  options: {
    principal?: Principal;
    cookie?: string;
    method?: string;
    body?: Buffer | string;
    headers?: Record<string, string>;
    trust?: Buffer;
    port?: number;
    clientCert?: { cert: Buffer; key: Buffer };
  } = {},
): Promise<Answer> {
  const { principal = 'none', method = 'GET', body } = options;
  const token = principal === 'none' ? undefined : principal === 'unknown' ? 'not-a-token' : TOKENS[principal];
  const headers: Record<string, string> = { ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.cookie) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const tls = { ca: options.trust ?? ca, ...options.clientCert };
    const req = httpsRequest({ host: 'localhost', port: options.port ?? httpPort, path: route, method, headers, ...tls, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

void before(async () => {
  ({ dir: root, remove } = await tempDir('dashboard-access'));
  const registryDir = path.join(root, 'registry');
  await trainTinyModel(path.join(registryDir, 'tiny', 'v1'));
  await cp(path.join(registryDir, 'tiny', 'v1'), path.join(registryDir, 'tiny', 'v2'), { recursive: true });
  await exportOnnx(path.join(registryDir, 'tiny', 'v2'));
  await writeImageFolder(path.join(root, 'data', 'source'), 4, 16, 1);
  await writeImageFolder(path.join(root, 'data', 'target'), 4, 16, 50);
  const pki = path.join(root, 'pki');
  await mkdir(pki);
  const authority = makeCa(pki, 'ca');
  const leaf = makeLeaf(pki, 'server', authority, 'server');
  ca = await readFile(authority.cert);
  const tokensFile = path.join(root, 'tokens.json');
  await writeTokensFile(tokensFile, TOKENS);
  telemetry = startTelemetry({ serviceName: 'sim2real-translator-test', prometheus: true });
  server = createTranslatorServer(
    { registryDir, host: '127.0.0.1', port: 0, httpPort: 0, authTokensFile: tokensFile, tlsCertFile: leaf.cert, tlsKeyFile: leaf.key, trainingRoot: path.join(root, 'data') },
    { log: collectLogs(logs), metricsHandler: telemetry.metricsHandler },
  );
  const started = await server.start();
  httpPort = started.httpPort!;
  const trainer = createTranslatorClient(`localhost:${started.port}`, { tls: { ca }, token: TOKENS.trainer });
  clients.push(trainer);
  // A finished job of `trainer`: its event stream replays and ends, so each request below returns.
  trainerJob = (await trainer.startTraining({ modelName: 'mine', sourceUri: 'source', targetUri: 'target', config: tinyConfig(3) })).jobId;
  for await (const event of trainer.watchTraining(trainerJob)) void event;
});

void after(async () => {
  for (const c of clients) c.close();
  await server.shutdown(2000);
  await telemetry.shutdown();
  await remove();
});

void describe('dashboard access with tokens (HTTPS)', () => {
  void test('each route kind answers 401 without a known token, 403 to a role that lacks it, and serves the others; health is open', async () => {
    const png = Buffer.from(await pngOf(16, 16));
    const routes: { route: string; needs: keyof typeof LEVEL; method?: string; body?: Buffer; ownJob?: true }[] = [
      { route: '/', needs: 'translate' },
      { route: '/api/models', needs: 'translate' },
      { route: '/api/serving', needs: 'translate' },
      { route: '/api/models/tiny/v1/report', needs: 'translate' },
      { route: '/api/translate?model=tiny@v1', needs: 'translate', method: 'POST', body: png },
      { route: '/api/jobs', needs: 'train' },
      { route: `/api/jobs/${trainerJob}/events`, needs: 'train', ownJob: true },
      { route: '/metrics', needs: 'authenticated' },
      { route: '/healthz', needs: 'open' },
      { route: '/readyz', needs: 'open' },
    ];
    const refusals = new Map<number, Set<string>>();
    for (const principal of ['none', 'unknown', 'translator', 'trainer', 'trainer2', 'admin'] as const) {
      for (const { route, needs, method, body, ownJob } of routes) {
        const answer = await call(route, { principal, method, body });
        let expected: number;
        if (needs === 'open') expected = 200;
        else if (principal === 'none' || principal === 'unknown') expected = 401;
        else if (ROLE_LEVEL[principal] < LEVEL[needs]) expected = 403;
        else expected = ownJob && principal === 'trainer2' ? 403 : 200;
        assert.equal(answer.status, expected, `${principal} ${route}: ${answer.body.slice(0, 200)}`);
        if (expected === 401) {
          assert.equal(answer.headers['www-authenticate'], 'Bearer', route);
          if (route !== '/') (refusals.get(401) ?? refusals.set(401, new Set()).get(401)!).add(answer.body);
        }
        if (expected === 403) (refusals.get(403) ?? refusals.set(403, new Set()).get(403)!).add((JSON.parse(answer.body) as { error: string }).error);
      }
    }
    assert.deepEqual([...refusals.get(401)!], [JSON.stringify({ error: 'This call needs a valid token: send "authorization: Bearer <token>".' })], 'missing and unknown tokens read the same');
    assert.deepEqual(
      [...refusals.get(403)!].sort(),
      ["The caller may not see training jobs.", "The caller may not watch or cancel another caller's job."],
      'a refusal names what was refused, never the roles',
    );
    const page = await call('/');
    assert.match(page.body, /<form id="sign-in-form" method="post" action="\/api\/session">/, 'a browser without a session gets the sign-in form');
    assert.ok(logs.some((l) => l.event === 'http_refused' && l.caller === 'translator' && l.path === '/api/jobs' && l.status === 403));
  });

  void test('jobs: a train token lists only its own, an admin every one; models list each version with its own engine', async () => {
    const jobsOf = async (principal: Principal): Promise<string[]> => ((JSON.parse((await call('/api/jobs', { principal })).body) as { jobs: { jobId: string }[] }).jobs).map((j) => j.jobId);
    assert.deepEqual(await jobsOf('trainer'), [trainerJob]);
    assert.deepEqual(await jobsOf('trainer2'), []);
    assert.deepEqual(await jobsOf('admin'), [trainerJob]);
    const events = await call(`/api/jobs/${trainerJob}/events`, { principal: 'trainer' });
    assert.equal(events.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.match(events.body, /event: training\ndata: \{[^\n]*"state":"JOB_STATE_SUCCEEDED"/);
    assert.match(events.body, /event: end\n/);

    const { models } = JSON.parse((await call('/api/models', { principal: 'translator' })).body) as { engine: string; models: { name: string; versions: { version: string; engine: string }[] }[] };
    const tiny = models.find((m) => m.name === 'tiny')!;
    assert.deepEqual(tiny.versions.map((v) => [v.version, v.engine]), [['v1', 'tfjs'], ['v2', 'onnx']]);
    assert.equal((await call('/api/models/%zz/v1/report', { principal: 'admin' })).status, 400, 'a malformed path part is a bad request, not a crash');
  });

  void test('sign-in: a session cookie (HttpOnly, SameSite=Strict, Secure, not the token) that serves the API and SSE until sign-out', async () => {
    const form = (token: string): { method: string; body: string; headers: Record<string, string> } => ({
      method: 'POST',
      body: new URLSearchParams({ token }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const wrong = await call('/api/session', form('wrong-token'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /id="sign-in-error">That token is not valid\./);
    const foreign = await call('/api/session', { ...form(TOKENS.trainer), headers: { ...form(TOKENS.trainer).headers, origin: 'https://elsewhere.example' } });
    assert.equal(foreign.status, 403, 'a form posted from another site does not sign in');

    const signedIn = await call('/api/session', form(TOKENS.trainer));
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.location, '/');
    const setCookie = signedIn.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^sim2real_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    assert.ok(!setCookie.includes(TOKENS.trainer));
    const cookie = setCookie.split(';')[0]!;

    assert.deepEqual(JSON.parse((await call('/api/session', { cookie })).body), { name: 'trainer', roles: ['train', 'translate'], tokens: true });
    assert.equal((await call('/', { cookie })).status, 200);
    assert.match((await call('/', { cookie })).body, /<section><h2>Models<\/h2>/);
    assert.deepEqual((JSON.parse((await call('/api/jobs', { cookie })).body) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId), [trainerJob]);
    assert.match((await call(`/api/jobs/${trainerJob}/events`, { cookie })).body, /event: end\n/, 'SSE works on the cookie alone');
    assert.equal((await call('/api/jobs', { cookie: 'sim2real_session=forged' })).status, 401);

    const signedOut = await call('/api/session', { cookie, method: 'DELETE' });
    assert.equal(signedOut.status, 204);
    assert.match(signedOut.headers['set-cookie']?.[0] ?? '', /^sim2real_session=; .*Max-Age=0/);
    assert.equal((await call('/api/models', { cookie })).status, 401, 'the session ended with sign-out');

    const logged = JSON.stringify(logs);
    for (const secret of [...Object.values(TOKENS), cookie.split('=')[1]!]) assert.ok(!logged.includes(secret), 'no token or session id in the logs');
    assert.ok(logs.some((l) => l.event === 'dashboard_sign_in' && l.caller === 'trainer'));
    assert.ok(logs.some((l) => l.event === 'dashboard_sign_in_refused'));
  });

  void test("HTTPS serves the gRPC server's certificate and follows its reload", async () => {
    const pki = path.join(root, 'pki');
    const other: CertFiles = makeCa(pki, 'other-ca');
    const otherCa = await readFile(other.cert);
    await assert.rejects(call('/healthz', { trust: otherCa }), /self-signed|unable to verify|certificate/i);
    const next = makeLeaf(pki, 'server-2', other, 'server');
    await copyFile(next.cert, path.join(pki, 'server.pem'));
    await copyFile(next.key, path.join(pki, 'server.key'));
    await server.reloadCertificates();
    assert.equal((await call('/healthz', { trust: otherCa })).status, 200, 'the new certificate is served');
    await assert.rejects(call('/healthz'), /self-signed|unable to verify|certificate/i);
  });

  void test('with a client CA (mTLS) the port asks for a client certificate like gRPC', async () => {
    const dir = path.join(root, 'mtls');
    await mkdir(dir);
    const serverCa = makeCa(dir, 'server-ca');
    const clientCa = makeCa(dir, 'client-ca');
    const leaf = makeLeaf(dir, 'server', serverCa, 'server');
    const good = makeLeaf(dir, 'good-client', clientCa, 'client');
    const stranger = makeLeaf(dir, 'stranger', makeCa(dir, 'stranger-ca'), 'client');
    const mtls = createTranslatorServer(
      { registryDir: path.join(root, 'registry'), host: '127.0.0.1', port: 0, httpPort: 0, tlsCertFile: leaf.cert, tlsKeyFile: leaf.key, tlsClientCaFile: clientCa.cert },
      { log: quietLog },
    );
    const { httpPort: port } = await mtls.start();
    try {
      const trust = await readFile(serverCa.cert);
      const pair = async (files: CertFiles): Promise<{ cert: Buffer; key: Buffer }> => ({ cert: await readFile(files.cert), key: await readFile(files.key) });
      assert.equal((await call('/api/models', { port, trust, clientCert: await pair(good) })).status, 200);
      await assert.rejects(call('/api/models', { port, trust, clientCert: await pair(stranger) }), /certificate|socket hang up|ECONNRESET/i);
      await assert.rejects(call('/api/models', { port, trust }), /certificate|socket hang up|ECONNRESET/i);
    } finally {
      await mtls.shutdown(1000);
    }
  });
});
