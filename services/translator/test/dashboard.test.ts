import assert from 'node:assert/strict';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTelemetry } from '@sim2real/telemetry';
import type { Telemetry } from '@sim2real/telemetry';
import { exportOnnx } from '@sim2real/onnx-export';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { createTranslatorServer } from '../src/index.js';
import type { TranslatorServer } from '../src/index.js';
import { pngOf, quietLog, tempDir, tinyConfig, trainTinyModel, writeImageFolder, writeTokensFile } from './helpers.js';

/** Debian's chromium (CHROMIUM_PATH overrides); `.ci/run` installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Screenshots of the browser test (SIM2REAL_TEST_ARTIFACTS overrides). */
const ARTIFACTS = process.env.SIM2REAL_TEST_ARTIFACTS ?? fileURLToPath(new URL('../test-artifacts/', import.meta.url));

let root: string;
let remove: () => Promise<void>;
let telemetry: Telemetry;
let server: TranslatorServer;
let client: TranslatorClient;
let base: string;
let sourceDir: string;
let targetDir: string;

/** Starts Debian's chromium, or fails saying how to get it. */
async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  } catch (error) {
    throw new Error(`Chromium did not start from ${CHROMIUM} (install it: apt-get install -y chromium, or set CHROMIUM_PATH): ${String(error)}`);
  }
}

void before(async () => {
  ({ dir: root, remove } = await tempDir('dashboard'));
  await trainTinyModel(path.join(root, 'registry', 'tiny', 'v1'));
  sourceDir = path.join(root, 'data', 'source');
  targetDir = path.join(root, 'data', 'target');
  await writeImageFolder(sourceDir, 4, 16, 1);
  await writeImageFolder(targetDir, 4, 16, 50);
  telemetry = startTelemetry({ serviceName: 'sim2real-translator-test', resourceAttributes: { 'deployment.environment.name': 'test' }, prometheus: true });
  server = createTranslatorServer(
    { host: '127.0.0.1', port: 0, httpPort: 0, registryDir: path.join(root, 'registry'), trainingRoot: path.join(root, 'data') },
    { log: quietLog, metricsHandler: telemetry.metricsHandler },
  );
  const { port, httpPort } = await server.start();
  base = `http://127.0.0.1:${httpPort}`;
  client = createTranslatorClient(`127.0.0.1:${port}`);
  await client.waitForReady(5000);
});

void after(async () => {
  client.close();
  await server.shutdown(2000);
  await telemetry.shutdown();
  await remove();
});

void describe('translator HTTP port', () => {
  void test('the JSON API lists models, translates an upload with its attention, serves the report; /metrics counts per model and route', async () => {
    const models = (await (await fetch(`${base}/api/models`)).json()) as { backend: string; models: { name: string; versions: { version: string; complete: boolean; step: number }[] }[] };
    assert.deepEqual(models.models.map((m) => [m.name, m.versions.map((v) => [v.version, v.complete, v.step])]), [['tiny', [['v1', true, 3]]]]);
    assert.ok(models.backend);

    await client.translate({ requestId: 'r1', model: 'tiny@v1', images: [{ data: await pngOf(16, 16) }, { data: await pngOf(16, 16, 2) }] });
    const upload = await fetch(`${base}/api/translate?model=tiny@v1`, { method: 'POST', body: Buffer.from(await pngOf(20, 12)) });
    assert.equal(upload.status, 200);
    const result = (await upload.json()) as Record<string, string | number>;
    assert.equal(result.model, 'tiny@v1');
    assert.deepEqual([result.width, result.height], [20, 12]);
    for (const key of ['output', 'initial', 'attention', 'overlay']) assert.match(String(result[key]), /^data:image\/png;base64,iVBOR/, key);
    const bad = await fetch(`${base}/api/translate?model=tiny@v1`, { method: 'POST', body: 'not an image' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not a PNG or JPEG/);
    assert.equal((await fetch(`${base}/api/translate?model=nope`, { method: 'POST', body: Buffer.from(await pngOf(8, 8)) })).status, 404);

    const report = await fetch(`${base}/api/models/tiny/v1/report`);
    assert.equal(report.status, 200);
    assert.match(await report.text(), /Trained: step 3 of 3/);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /sim2real_translator_images_total\{[^}]*sim2real_model="tiny@v1"[^}]*\} 2/, "the two images of the gRPC call (the dashboard's upload is no RPC)");
    assert.match(metrics, /rpc_server_call_duration_count\{[^}]*rpc_method="sim2real\.v1\.Translator\/Translate"[^}]*rpc_status_code="OK"[^}]*\} 1/);
    for (const name of ['sim2real_translator_batch_size_bucket', 'sim2real_translator_queue_duration_bucket', 'sim2real_translator_compute_duration_bucket', 'sim2real_translator_queue_size', 'sim2real_translator_requests_active']) {
      assert.match(metrics, new RegExp(`^${name}\\{`, 'm'), name);
    }
    assert.match(metrics, /target_info\{[^}]*service_name="sim2real-translator-test"/);
  });

  void test('in Chromium: the model list renders, a running job\'s curve gains points, an upload comes back translated', async (t) => {
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    t.after(() => browser.close());
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(base);
    await page.locator('.model-row[data-model="tiny@v1"]').waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.model-row[data-model="tiny@v1"]').innerText(), /complete \(3 \/ 3\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-models.png'), fullPage: true });

    const job = await client.startTraining({ modelName: 'live', sourceUri: sourceDir, targetUri: targetDir, config: tinyConfig(400), sampleEverySteps: 5 });
    const charts = page.locator(`#job-${job.jobId} .charts`);
    const points = async (): Promise<number> => Number((await charts.getAttribute('data-points')) ?? 0);
    // Page-side expressions (strings: this test's TypeScript has no DOM types).
    const pointsAtLeast = (n: number): string => `Number(document.querySelector('#job-${job.jobId} .charts')?.getAttribute('data-points') ?? 0) >= ${n}`;
    await page.waitForFunction(pointsAtLeast(2), undefined, { timeout: 60_000 });
    const first = await points();
    await page.waitForFunction(pointsAtLeast(first + 1), undefined, { timeout: 60_000 });
    assert.ok((await points()) > first, 'the curve gained points while the job ran');
    await page.locator(`#job-${job.jobId} .sample img`).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-training.png'), fullPage: true });
    await client.cancelTraining(job.jobId);

    await page.selectOption('#try-model', 'tiny@v1');
    await page.setInputFiles('#try-file', { name: 'render.png', mimeType: 'image/png', buffer: Buffer.from(await pngOf(48, 48, 7)) });
    await page.click('#try-form button');
    await page.locator('#try-tiles img').nth(4).waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#try-result p').innerText(), /tiny@v1 · 48×48 px/);
    assert.deepEqual(await page.locator('#try-tiles figcaption').allInnerTexts(), ['input', 'G0', 'attention (heat on input)', 'attention mask', 'output']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-try-it.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});

const TOKENS = { translator: 'tok-page-translate', trainer: 'tok-page-train', trainer2: 'tok-page-train-2' } as const;

void describe('dashboard with --auth-tokens, in Chromium', () => {
  let secured: TranslatorServer;
  let securedBase: string;
  let trainer: TranslatorClient;

  void before(async () => {
    // Its own registry: tiny@v1 (tfjs) and the same weights exported to ONNX as tiny@v2.
    const registryDir = path.join(root, 'registry-tokens');
    await cp(path.join(root, 'registry', 'tiny', 'v1'), path.join(registryDir, 'tiny', 'v1'), { recursive: true });
    await cp(path.join(root, 'registry', 'tiny', 'v1'), path.join(registryDir, 'tiny', 'v2'), { recursive: true });
    await exportOnnx(path.join(registryDir, 'tiny', 'v2'));
    const tokensFile = path.join(root, 'tokens.json');
    await writeTokensFile(tokensFile, TOKENS);
    secured = createTranslatorServer(
      { host: '127.0.0.1', port: 0, httpPort: 0, registryDir, trainingRoot: path.join(root, 'data'), authTokensFile: tokensFile },
      { log: quietLog, metricsHandler: telemetry.metricsHandler },
    );
    const { port, httpPort } = await secured.start();
    securedBase = `http://127.0.0.1:${httpPort}`;
    trainer = createTranslatorClient(`127.0.0.1:${port}`, { token: TOKENS.trainer });
  });

  void after(async () => {
    trainer.close();
    await secured.shutdown(2000);
  });

  /** A fresh browser profile (its own cookies) signed in with `token` through the page's form. */
  async function signedIn(browser: Browser, token: string, errors: string[]): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(securedBase);
    await page.fill('#sign-in-form input[name="token"]', token);
    await page.click('#sign-in-form button');
    await page.locator('#who b').waitFor({ timeout: 15_000 });
    return { context, page };
  }

  void test('the page asks to sign in; a translate token sees models and tries one, not the jobs; a train token sees its own job grow, another train token does not', async (t) => {
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    t.after(() => browser.close());
    const pageErrors: string[] = [];

    const anonymous = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    const first = await anonymous.goto(securedBase);
    assert.equal(first?.status(), 401);
    await anonymous.locator('#sign-in-form').waitFor();
    assert.equal(await anonymous.locator('#models').count(), 0, 'nothing of the dashboard before signing in');
    await anonymous.fill('#sign-in-form input[name="token"]', 'not-a-token');
    await anonymous.click('#sign-in-form button');
    assert.equal(await anonymous.locator('#sign-in-error').innerText(), 'That token is not valid.');
    assert.ok(!anonymous.url().includes('not-a-token'), 'the token never goes into the URL');
    await anonymous.screenshot({ path: path.join(ARTIFACTS, 'dashboard-sign-in.png'), fullPage: true });

    const viewer = await signedIn(browser, TOKENS.translator, pageErrors);
    t.after(() => viewer.context.close());
    assert.match(await viewer.page.locator('#who').innerText(), /signed in as translator \(translate\)/);
    await viewer.page.locator('.model-row[data-model="tiny@v2"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(await viewer.page.locator('.model-row .engine').allInnerTexts(), ['tfjs', 'onnx'], "each version's own engine");
    await viewer.page.locator('#jobs-denied').waitFor();
    const jobsStatus = await viewer.page.evaluate("fetch('/api/jobs').then((r) => r.status)");
    assert.equal(jobsStatus, 403, 'the session cookie alone carries the caller, and translate may not list jobs');
    await viewer.page.selectOption('#try-model', 'tiny@v2');
    await viewer.page.setInputFiles('#try-file', { name: 'render.png', mimeType: 'image/png', buffer: Buffer.from(await pngOf(32, 32, 3)) });
    await viewer.page.click('#try-form button');
    await viewer.page.locator('#try-tiles img').nth(4).waitFor({ timeout: 30_000 });
    assert.match(await viewer.page.locator('#try-result p').innerText(), /tiny@v2 · 32×32 px/);
    await viewer.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-signed-in-translate.png'), fullPage: true });

    const job = await trainer.startTraining({ modelName: 'guarded', sourceUri: 'source', targetUri: 'target', config: tinyConfig(400), sampleEverySteps: 5 });
    t.after(() => trainer.cancelTraining(job.jobId));
    const owner = await signedIn(browser, TOKENS.trainer, pageErrors);
    t.after(() => owner.context.close());
    const pointsAtLeast = (n: number): string => `Number(document.querySelector('#job-${job.jobId} .charts')?.getAttribute('data-points') ?? 0) >= ${n}`;
    await owner.page.waitForFunction(pointsAtLeast(2), undefined, { timeout: 60_000 });
    const before = Number(await owner.page.locator(`#job-${job.jobId} .charts`).getAttribute('data-points'));
    await owner.page.waitForFunction(pointsAtLeast(before + 1), undefined, { timeout: 60_000 });
    await owner.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-signed-in-train.png'), fullPage: true });

    const other = await signedIn(browser, TOKENS.trainer2, pageErrors);
    t.after(() => other.context.close());
    await other.page.locator('#jobs p.muted', { hasText: 'No training job' }).waitFor({ timeout: 15_000 });
    assert.equal(await other.page.locator(`#job-${job.jobId}`).count(), 0, "another caller's job is not listed");
    const eventsStatus = await other.page.evaluate(`fetch('/api/jobs/${job.jobId}/events').then((r) => r.status)`);
    assert.equal(eventsStatus, 403, "nor are its events served");
    assert.deepEqual(pageErrors, []);
  });
});
