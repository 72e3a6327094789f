import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { metrics, trace } from '@opentelemetry/api';
import { createLogger, loggerFrom, startHttpEndpoint, startTelemetry, telemetryOptionsFromEnv } from '@sim2real/telemetry';

void test('telemetryOptionsFromEnv honours OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
  const env = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs, deployment.environment.name=staging,team=vision%20lab' };
  assert.deepEqual(telemetryOptionsFromEnv(env, 'sim2real-x'), {
    serviceName: 'from-attrs',
    otlpEndpoint: undefined,
    resourceAttributes: { 'deployment.environment.name': 'staging', team: 'vision lab' },
  });
  assert.equal(telemetryOptionsFromEnv({ ...env, OTEL_SERVICE_NAME: 'mine' }, 'sim2real-x').serviceName, 'mine');
  assert.equal(telemetryOptionsFromEnv({}, 'sim2real-x').serviceName, 'sim2real-x');
  assert.throws(() => telemetryOptionsFromEnv({ OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, 'x'), { name: 'TelemetryConfigError', message: /key=value/ });
});

void test('/metrics serves the Prometheus text format with the resource; /healthz and /readyz answer', async (t) => {
  const telemetry = startTelemetry({ ...telemetryOptionsFromEnv({ OTEL_SERVICE_NAME: 'probe', OTEL_RESOURCE_ATTRIBUTES: 'team=vision' }, 'x'), prometheus: true });
  t.after(() => telemetry.shutdown());
  let ready = false;
  const endpoint = await startHttpEndpoint({
    port: 0,
    host: '127.0.0.1',
    metrics: telemetry.metricsHandler,
    ready: () => (ready ? { ok: true } : { ok: false, checks: { nats: 'not connected' } }),
  });
  t.after(() => endpoint.close());
  const histogram = metrics.getMeter('probe').createHistogram('rpc.server.call.duration', { unit: 's' });
  histogram.record(0.25, { 'rpc.method': 'sim2real.v1.Translator/Translate', 'rpc.status_code': 'OK' });
  const base = `http://127.0.0.1:${endpoint.port}`;
  const scrape = await fetch(`${base}/metrics`);
  assert.equal(scrape.status, 200);
  const text = await scrape.text();
  assert.match(text, /rpc_server_call_duration_count\{[^}]*rpc_method="sim2real\.v1\.Translator\/Translate"[^}]*\} 1/);
  assert.match(text, /target_info\{team="vision",service_name="probe"\}/);
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const notReady = await fetch(`${base}/readyz`);
  assert.equal(notReady.status, 503);
  assert.deepEqual(await notReady.json(), { status: 'unavailable', checks: { nats: 'not connected' } });
  ready = true;
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  assert.equal((await fetch(`${base}/nothing`)).status, 404);
});

void test('the logger writes JSON lines with level, service and the active trace ids', async (t) => {
  const telemetry = startTelemetry({ serviceName: 'probe' });
  t.after(() => telemetry.shutdown());
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
  const log = createLogger({ service: 'probe', level: 'info', stream }).child({ model: 'faces' });
  log.debug('dropped');
  const span = trace.getTracer('probe').startSpan('work');
  trace.getTracer('probe').startActiveSpan('work', (active) => {
    log.warn('slow_batch', { ms: 12, error: new Error('boom') });
    active.end();
  });
  span.end();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(line.level, 'warn');
  assert.equal(line.service, 'probe');
  assert.equal(line.event, 'slow_batch');
  assert.equal(line.model, 'faces');
  assert.equal(line.error, 'boom');
  assert.match(String(line.trace_id), /^[0-9a-f]{32}$/);
  assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
});

void test('loggerFrom hands each line to its writer with the level and the child fields under its own', () => {
  const lines: unknown[][] = [];
  const log = loggerFrom((level, event, fields) => lines.push([level, event, fields]), { service: 'probe' }).child({ model: 'faces', step: 0 });
  log.error('batch_failed', { step: 3 });
  log.debug('tick');
  assert.deepEqual(lines, [
    ['error', 'batch_failed', { service: 'probe', model: 'faces', step: 3 }],
    ['debug', 'tick', { service: 'probe', model: 'faces', step: 0 }],
  ]);
});
