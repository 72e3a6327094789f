import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { decodeImage, encodePng, heatOverlay } from '@sim2real/imaging';
import { sendJson } from '@sim2real/telemetry';
import type { HttpRoutes } from '@sim2real/telemetry';
import { CapacityError, InvalidRequestError, toGrpcStatus } from '../errors.js';
import type { TrainingJobs } from '../jobs.js';
import type { ImageMessage, TrainingEventMessage, TranslateRequest } from '../proto.js';
import type { ModelRegistry } from '../registry.js';
import { translateRequest } from '../translate-request.js';
import type { TranslateContext } from '../translate-request.js';
import { dashboardAccess } from './access.js';
import { DASHBOARD_PAGE } from './page.js';
import type { ServingWindow } from './serving.js';

/** What the dashboard reads from the server. */
export interface DashboardDeps {
  registry: ModelRegistry;
  jobs: TrainingJobs;
  translate: TranslateContext;
  serving: ServingWindow;
  /** The server's counters (TranslatorServer.stats). */
  stats: () => object;
  /** The inference engine and backend in use, e.g. `{ engine: 'tfjs', backend: 'wasm' }`. */
  engine: () => Record<string, string>;
  /** Largest image accepted by "try it", bytes. */
  maxUploadBytes: number;
}

/** gRPC status of an error → the HTTP status of the same meaning. */
function httpStatus(code: status): number {
  switch (code) {
    case status.INVALID_ARGUMENT:
      return 400;
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

async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new CapacityError('maxMessageBytes', `The upload is over ${limit} bytes; send a smaller image.`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A training event as the dashboard's Server-Sent Events carry it (the sample grid as a data URI). */
function eventJson(event: TrainingEventMessage): Record<string, unknown> {
  const { sampleGrid, ...rest } = event;
  const png = sampleGrid?.data;
  return { ...rest, ...(png instanceof Uint8Array && png.length > 0 ? { sampleGrid: dataUri(png) } : {}) };
}

/**
 * The dashboard's routes on the translator's HTTP port: the page at `/`, and a JSON API under `/api` (models with
 * their versions, training jobs, job events as Server-Sent Events from the same stream as WatchTraining, "try it"
 * translation, serving figures, each version's report.html). Every route asks `dashboardAccess` first.
 */
export function dashboardRoutes(deps: DashboardDeps): HttpRoutes {
  return async (request, response, url) => {
    const route = url.pathname;
    if (route !== '/' && !route.startsWith('/api/')) return false;
    const action = route === '/api/translate' ? 'translate' : 'view';
    const access = dashboardAccess(request, action);
    if (!access.allowed) {
      sendJson(response, access.status, { error: access.message });
      return true;
    }
    try {
      if (request.method === 'POST' && route === '/api/translate') await tryIt(deps, request, response, url);
      else if (request.method !== 'GET') sendJson(response, 405, { error: `${request.method} is not served at ${route}.` });
      else if (route === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(DASHBOARD_PAGE);
      } else if (route === '/api/models') sendJson(response, 200, await models(deps));
      else if (route === '/api/jobs') sendJson(response, 200, { jobs: deps.jobs.list() });
      else if (route === '/api/serving') sendJson(response, 200, { ...deps.serving.figures(), stats: deps.stats(), ...deps.engine() });
      else if (/^\/api\/jobs\/[^/]+\/events$/.test(route)) await jobEvents(deps, request, response, decodeURIComponent(route.split('/')[3]!));
      else if (/^\/api\/models\/[^/]+\/[^/]+\/report$/.test(route)) {
        const [, , , name, version] = route.split('/');
        await report(deps, response, `${decodeURIComponent(name!)}@${decodeURIComponent(version!)}`);
      } else sendJson(response, 404, { error: `Nothing is served at ${route}.` });
    } catch (error) {
      if (response.headersSent) response.destroy();
      else sendError(response, error);
    }
    return true;
  };
}

async function models(deps: DashboardDeps): Promise<object> {
  const names = await deps.registry.names();
  return {
    ...deps.engine(),
    models: await Promise.all(
      names.map(async (name) => ({
        name,
        versions: (await deps.registry.describe(name)).map(({ version, manifest, dir }) => ({
          version,
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

async function report(deps: DashboardDeps, response: ServerResponse, ref: string): Promise<void> {
  const version = await deps.registry.resolve(ref);
  let html: Buffer;
  try {
    html = await readFile(path.join(version.dir, 'report.html'));
  } catch {
    sendJson(response, 404, { error: `${ref} has no report.html; run sim2real report on its folder.` });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

/** Server-Sent Events of one job: every event so far, then live ones until the job ends or the page leaves. */
async function jobEvents(deps: DashboardDeps, request: IncomingMessage, response: ServerResponse, jobId: string): Promise<void> {
  deps.jobs.snapshot(jobId);
  const controller = new AbortController();
  request.on('close', () => controller.abort(new DOMException('The page went away.', 'AbortError')));
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  response.write(': sim2real job events\n\n');
  try {
    for await (const event of deps.jobs.watch(jobId, controller.signal)) {
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
async function tryIt(deps: DashboardDeps, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const body = await readBody(request, deps.maxUploadBytes);
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
