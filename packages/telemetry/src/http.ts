import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { MetricsHandler } from './setup.js';

/** The answer of a health or readiness check: ok, and what each part says (`true` or a sentence why not). */
export interface HealthReport {
  ok: boolean;
  checks?: Record<string, true | string>;
}

/** Further routes of an endpoint: resolves true when it answered the request. */
export type HttpRoutes = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** PEM identity of an HTTPS endpoint; with `ca`, clients must present a certificate that chains to it (mTLS). */
export interface HttpTls {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer | undefined;
}

/** What `startHttpEndpoint` serves. */
export interface HttpEndpointOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind. @default '0.0.0.0' */
  host?: string;
  /** `/metrics` (Telemetry.metricsHandler); without it `/metrics` answers 404 saying so. @default undefined */
  metrics?: MetricsHandler;
  /** `/healthz` (liveness). @default always ok */
  health?: () => HealthReport | Promise<HealthReport>;
  /** `/readyz` (readiness: 503 until ok). @default the health check */
  ready?: () => HealthReport | Promise<HealthReport>;
  /** Tried before the built-in routes (a dashboard). @default undefined */
  routes?: HttpRoutes;
  /** Serve HTTPS with this identity instead of plain HTTP. @default undefined (plain HTTP) */
  tls?: HttpTls;
}

/** A bound HTTP endpoint. */
export interface HttpEndpoint {
  readonly port: number;
  /** Swaps the certificate, key and client CA of an HTTPS endpoint (new connections use them); throws on plain HTTP. */
  reloadTls(tls: HttpTls): void;
  /** Stops listening and ends open connections (Server-Sent Event streams included). */
  close(): Promise<void>;
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function sendHealth(response: ServerResponse, check: () => HealthReport | Promise<HealthReport>): Promise<void> {
  let report: HealthReport;
  try {
    report = await check();
  } catch (error) {
    report = { ok: false, checks: { check: error instanceof Error ? error.message : String(error) } };
  }
  sendJson(response, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unavailable', ...(report.checks ? { checks: report.checks } : {}) });
}

/**
 * The operations port of a service: `/metrics` (Prometheus text format), `/healthz`, `/readyz`, and any `routes`
 * given, over HTTP or (with `tls`) HTTPS. A failing route answers 500 with its message, never ends the process.
 */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const health = options.health ?? (() => ({ ok: true }));
  const ready = options.ready ?? health;
  const handle: RequestListener = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    void (async () => {
      if (options.routes && (await options.routes(request, response, url))) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: `${request.method} is not served at ${url.pathname}.` });
      switch (url.pathname) {
        case '/metrics':
          if (options.metrics) return options.metrics(request, response);
          return sendJson(response, 404, { error: 'Metrics are not enabled in this process (telemetry started without prometheus).' });
        case '/healthz':
          return sendHealth(response, health);
        case '/readyz':
          return sendHealth(response, ready);
        default:
          return sendJson(response, 404, { error: `Nothing is served at ${url.pathname}.` });
      }
    })().catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  };
  const { tls } = options;
  // Client certificates are asked for, and required, exactly when a client CA is set.
  const mtls = tls?.ca !== undefined;
  const https = tls && createHttpsServer({ ...secureContext(tls), requestCert: mtls, rejectUnauthorized: mtls }, handle);
  const server = https ?? createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    reloadTls(next) {
      if (!https) throw new Error('This endpoint serves plain HTTP; it has no certificate to reload.');
      https.setSecureContext(secureContext(next));
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** The node:tls secure-context options of an identity. */
function secureContext({ cert, key, ca }: HttpTls): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return ca ? { cert, key, ca } : { cert, key };
}
