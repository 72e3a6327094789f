import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { decodeImage, encodePng, heatOverlay } from '@sim2real/imaging';
import { sendJson } from '@sim2real/telemetry';
import type { HttpRoutes } from '@sim2real/telemetry';
import type { Rule } from '../access.js';
import type { Caller } from '../auth.js';
import { InvalidRequestError, PermissionDeniedError, toGrpcStatus, UnauthenticatedError } from '../errors.js';
import type { TrainingJobs } from '../jobs.js';
import type { ImageMessage, TrainingEventMessage, TranslateRequest } from '../proto.js';
import type { ModelRegistry } from '../registry.js';
import { translateRequest } from '../translate-request.js';
import type { TranslateContext } from '../translate-request.js';
import { ruleOfMethod } from './access.js';
import { DASHBOARD_PAGE, HTML_HEADERS } from './page.js';
import { readBody } from './read-body.js';
import type { ServingWindow } from './serving.js';
import { sendSignInPage, sessionRoute } from './sign-in.js';
import type { SignInDeps } from './sign-in.js';

/** What the dashboard reads from the server (and, from SignInDeps, its guard, HTTPS flag and log). */
export interface DashboardDeps extends SignInDeps {
  registry: ModelRegistry;
  jobs: TrainingJobs;
  translate: TranslateContext;
  serving: ServingWindow;
  /** The server's counters (TranslatorServer.stats). */
  stats: () => object;
  /** The server's engine setting and backend, e.g. `{ engine: 'auto', backend: 'wasm' }` (each version's engine is in its description). */
  engine: () => Record<string, string>;
  /** Largest image accepted by "try it", bytes. */
  maxUploadBytes: number;
}

/** gRPC status of an error → the HTTP status of the same meaning. */
function httpStatus(code: status): number {
  switch (code) {
    case status.INVALID_ARGUMENT:
      return 400;
    case status.UNAUTHENTICATED:
      return 401;
    case status.PERMISSION_DENIED:
      return 403;
    case status.NOT_FOUND:
      return 404;
    case status.RESOURCE_EXHAUSTED:
      return 429;
    case status.UNAVAILABLE:
      return 503;
    case status.FAILED_PRECONDITION:
      return 409;
    default:
      return 500;
  }
}

function sendError(response: ServerResponse, error: unknown): void {
  const mapped = toGrpcStatus(error);
  sendJson(response, httpStatus(mapped.code), { error: mapped.details });
}

const dataUri = (bytes: Uint8Array): string => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

/** A training event as the dashboard's Server-Sent Events carry it (the sample grid as a data URI). */
function eventJson(event: TrainingEventMessage): Record<string, unknown> {
  const { sampleGrid, ...rest } = event;
  const png = sampleGrid?.data;
  return { ...rest, ...(png instanceof Uint8Array && png.length > 0 ? { sampleGrid: dataUri(png) } : {}) };
}

/** What a route handler gets: the request, the caller the guard admitted and the path's captured parts. */
interface RouteCall {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  caller: Caller;
  params: string[];
}

/**
 * A route of the dashboard: its path, the Translator method whose role rule it follows (it shows what that
 * method returns), the words of a refusal, and a handler per HTTP method.
 */
interface Route {
  path: RegExp;
  follows: string;
  action: string;
  handlers: Partial<Record<'GET' | 'POST', (deps: DashboardDeps, call: RouteCall) => void | Promise<void>>>;
}

const ROUTES: readonly Route[] = [
  { path: /^\/$/, follows: 'ListModels', action: 'see the dashboard', handlers: { GET: page } },
  { path: /^\/api\/models$/, follows: 'ListModels', action: 'see the models', handlers: { GET: async (deps, { response }) => sendJson(response, 200, await models(deps)) } },
  { path: /^\/api\/models\/([^/]+)\/([^/]+)\/report$/, follows: 'GetModel', action: 'see a model', handlers: { GET: report } },
  // Serving figures say what the served models do: as visible as the model list.
  { path: /^\/api\/serving$/, follows: 'ListModels', action: 'see the serving figures', handlers: { GET: serving } },
  { path: /^\/api\/translate$/, follows: 'Translate', action: 'translate', handlers: { POST: tryIt } },
  { path: /^\/api\/jobs$/, follows: 'WatchTraining', action: 'see training jobs', handlers: { GET: jobList } },
  { path: /^\/api\/jobs\/([^/]+)\/events$/, follows: 'WatchTraining', action: 'see training jobs', handlers: { GET: jobEvents } },
];

/**
 * The dashboard's routes on the translator's HTTP port: the page at `/`, and a JSON API under `/api` (models with
 * their versions, training jobs, job events as Server-Sent Events from the same stream as WatchTraining, "try it"
 * translation, serving figures, each version's report.html), `/api/session` to sign in and out. Every route but
 * the session's passes `deps.guard` first, and so does `/metrics` (any valid token: it names the models);
 * `/healthz` and `/readyz` stay open for probes. A browser without a session gets the sign-in page at `/`.
 */
export function dashboardRoutes(deps: DashboardDeps): HttpRoutes {
  return async (request, response, url) => {
    const pathname = url.pathname;
    const route = ROUTES.find((r) => r.path.test(pathname));
    try {
      if (pathname === '/api/session') {
        await sessionRoute(deps, request, response);
        return true;
      }
      if (pathname === '/metrics') {
        admit(deps, request, pathname, 'authenticated', 'read /metrics');
        return false; // the endpoint's own /metrics answers
      }
      if (!route) return false;
      const caller = admit(deps, request, pathname, ruleOfMethod(route.follows), route.action);
      const handler = route.handlers[request.method as 'GET' | 'POST'];
      if (!handler) sendJson(response, 405, { error: `${request.method} is not served at ${pathname}.` });
      else await handler(deps, { request, response, url, caller, params: (route.path.exec(pathname) ?? []).slice(1).map(decodePart) });
    } catch (error) {
      if (response.headersSent) response.destroy();
      else if (error instanceof UnauthenticatedError && pathname === '/') sendSignInPage(response);
      else {
        if (error instanceof UnauthenticatedError) response.setHeader('www-authenticate', 'Bearer');
        sendError(response, error);
      }
    }
    return true;
  };
}

/** A captured path part, %-decoded; INVALID_ARGUMENT (400) when its escapes are malformed. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidRequestError(`The path part "${part}" is not validly %-encoded.`);
  }
}

/** The guard's verdict, logged when it refuses (the caller's name when known, never a token). */
function admit(deps: DashboardDeps, request: IncomingMessage, pathname: string, rule: Rule, action: string): Caller {
  try {
    return deps.guard.admit(request, rule, action);
  } catch (error) {
    const known = error instanceof PermissionDeniedError ? deps.guard.caller(request).name : undefined;
    deps.log.warn('http_refused', { path: pathname, status: error instanceof PermissionDeniedError ? 403 : 401, caller: known, peer: request.socket.remoteAddress });
    throw error;
  }
}

function page(_deps: DashboardDeps, { response }: RouteCall): void {
  response.writeHead(200, HTML_HEADERS);
  response.end(DASHBOARD_PAGE);
}

function serving(deps: DashboardDeps, { response }: RouteCall): void {
  sendJson(response, 200, { ...deps.serving.figures(), stats: deps.stats(), ...deps.engine() });
}

/** The jobs the caller may watch: its own, or all for an admin (jobs.authorize, as WatchTraining). */
async function jobList(deps: DashboardDeps, { response, caller }: RouteCall): Promise<void> {
  const jobs = deps.jobs.list();
  const allowed = await Promise.all(
    jobs.map(async (job) => {
      try {
        await deps.jobs.authorize(job.jobId!, caller);
        return true;
      } catch (error) {
        if (error instanceof PermissionDeniedError) return false;
        throw error;
      }
    }),
  );
  sendJson(response, 200, { jobs: jobs.filter((_, i) => allowed[i]) });
}

async function models(deps: DashboardDeps): Promise<object> {
  const names = await deps.registry.names();
  return {
    ...deps.engine(),
    models: await Promise.all(
      names.map(async (name) => ({
        name,
        versions: (await deps.registry.describe(name)).map(({ version, manifest, dir, engine }) => ({
          version,
          // The engine this version runs on (onnx where it has a current model.onnx), not the server's setting.
          engine,
          created: manifest.created,
          updated: manifest.updated,
          complete: manifest.complete,
          stage: manifest.stage,
          step: manifest.step,
          totalSteps: manifest.totalSteps,
          imageSize: manifest.config.imageSize,
          attention: manifest.hasAttention,
          degraded: manifest.degraded,
          trainedOn: manifest.backend,
          metrics: manifest.metrics,
          report: `/api/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/report`,
          dir: path.basename(dir),
        })),
      })),
    ),
  };
}

async function report(deps: DashboardDeps, { response, params: [name, versionName] }: RouteCall): Promise<void> {
  const ref = `${name}@${versionName}`;
  const version = await deps.registry.resolve(ref);
  let html: Buffer;
  try {
    html = await readFile(path.join(version.dir, 'report.html'));
  } catch {
    sendJson(response, 404, { error: `${ref} has no report.html; run sim2real report on its folder.` });
    return;
  }
  response.writeHead(200, HTML_HEADERS);
  response.end(html);
}

/** Server-Sent Events of one job the caller may watch: every event so far, then live ones until it ends or the page leaves. */
async function jobEvents(deps: DashboardDeps, { request, response, caller, params: [jobId] }: RouteCall): Promise<void> {
  await deps.jobs.authorize(jobId!, caller);
  const controller = new AbortController();
  request.on('close', () => controller.abort(new DOMException('The page went away.', 'AbortError')));
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  response.write(': sim2real job events\n\n');
  try {
    for await (const event of deps.jobs.watch(jobId!, controller.signal)) {
      // Backpressure: a slow page holds the generator here instead of growing the socket buffer.
      if (!response.write(`event: training\ndata: ${JSON.stringify(eventJson(event))}\n\n`)) {
        await new Promise<void>((resolve) => {
          response.once('drain', resolve);
          controller.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    }
    response.write('event: end\ndata: {}\n\n');
  } catch (error) {
    if (!controller.signal.aborted) response.write(`event: failure\ndata: ${JSON.stringify({ error: toGrpcStatus(error).details })}\n\n`);
  } finally {
    response.end();
  }
}

/** "Try it": one uploaded PNG/JPEG through the micro-batcher like a Translate call, with the attention mask. */
async function tryIt(deps: DashboardDeps, { request, response, url }: RouteCall): Promise<void> {
  const body = await readBody(request, deps.maxUploadBytes, 'maxMessageBytes');
  if (body.length === 0) throw new InvalidRequestError('The upload is empty; send a PNG or JPEG image as the request body.');
  const image: ImageMessage = { data: body, encoding: 'ENCODING_UNSPECIFIED', width: 0, height: 0 };
  const translateRequestMessage = {
    requestId: `dashboard-${randomUUID()}`,
    model: url.searchParams.get('model') ?? '',
    images: [image],
    includeAttention: true,
    includeInitial: true,
    outputEncoding: 'ENCODING_PNG',
    traceContext: {},
  } as unknown as TranslateRequest;
  const controller = new AbortController();
  request.on('close', () => {
    if (!response.writableEnded) controller.abort(new DOMException('The page went away.', 'AbortError'));
  });
  const started = performance.now();
  const outcome = await translateRequest(translateRequestMessage, deps.translate, controller.signal);
  const result = outcome.response.results?.[0];
  const bytes = (img: ImageMessage | null | undefined): Uint8Array => (img?.data instanceof Uint8Array ? img.data : new Uint8Array());
  const output = bytes(result?.image);
  const attention = bytes(result?.attention);
  const input = await decodeImage(body, { name: 'upload', maxPixels: deps.translate.maxPixelsPerImage });
  const overlay = attention.length > 0 ? await encodePng(heatOverlay(input, await decodeImage(attention, { name: 'attention' }))) : undefined;
  sendJson(response, 200, {
    model: outcome.modelId,
    milliseconds: Math.round(performance.now() - started),
    width: input.width,
    height: input.height,
    output: dataUri(output),
    initial: dataUri(bytes(result?.initial)),
    attention: attention.length > 0 ? dataUri(attention) : undefined,
    overlay: overlay && dataUri(overlay),
  });
}
