import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@sim2real/telemetry';
import { PermissionDeniedError, UnauthenticatedError } from '../errors.js';
import type { DashboardGuard } from './access.js';
import { HTML_HEADERS, signInPage } from './page.js';
import { readBody } from './read-body.js';
import { sessionCookie, sessionIdOf } from './sessions.js';
import type { Logger } from '@sim2real/telemetry';

/** Largest sign-in form body, bytes (a token is a line). */
const MAX_SIGN_IN_BYTES = 4096;

export interface SignInDeps {
  /** Who may do what: the gRPC server's tokens and roles, and the dashboard's sessions. */
  guard: DashboardGuard;
  /** Whether the port serves HTTPS (the cookie is then `Secure`). */
  secure: boolean;
  /** Where sign-ins and refused sign-ins are logged. */
  log: Logger;
}

/** The sign-in page, with 401: what a browser without a session gets instead of the dashboard. */
export function sendSignInPage(response: ServerResponse, message?: string): void {
  response.writeHead(401, { ...HTML_HEADERS, 'www-authenticate': 'Bearer' });
  response.end(signInPage(message));
}

/**
 * `/api/session`: GET says who the request signs in as (name and roles, 401 without a session); POST takes the
 * sign-in form (`token=...`, never in the URL), opens a session and redirects to the page with its cookie; DELETE
 * signs out. The token is checked with the gRPC server's tokens and never logged.
 */
export async function sessionRoute(deps: SignInDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'GET') {
    const caller = deps.guard.caller(request);
    sendJson(response, 200, { name: caller.name, roles: [...caller.roles], tokens: deps.guard.tokens });
  } else if (request.method === 'POST') {
    await signIn(deps, request, response);
  } else if (request.method === 'DELETE') {
    deps.guard.sessions.close(sessionIdOf(request));
    response.writeHead(204, { 'set-cookie': sessionCookie(undefined, deps.secure), 'cache-control': 'no-store' });
    response.end();
  } else {
    sendJson(response, 405, { error: `${request.method} is not served at /api/session.` });
  }
}

async function signIn(deps: SignInDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!fromThisSite(request)) throw new PermissionDeniedError('sign in from another page than this dashboard');
  if (!deps.guard.tokens) {
    response.writeHead(303, { location: '/', 'cache-control': 'no-store' });
    response.end();
    return;
  }
  const token = new URLSearchParams(Buffer.from(await readBody(request, MAX_SIGN_IN_BYTES, 'MAX_SIGN_IN_BYTES')).toString('utf8')).get('token')?.trim() ?? '';
  let signedIn: ReturnType<DashboardGuard['signIn']>;
  try {
    signedIn = deps.guard.signIn(token);
  } catch (error) {
    if (!(error instanceof UnauthenticatedError)) throw error;
    deps.log.warn('dashboard_sign_in_refused', { peer: request.socket.remoteAddress });
    sendSignInPage(response, 'That token is not valid.');
    return;
  }
  deps.log.info('dashboard_sign_in', { caller: signedIn.caller.name, peer: request.socket.remoteAddress });
  response.writeHead(303, { location: '/', 'set-cookie': sessionCookie(signedIn.sessionId, deps.secure), 'cache-control': 'no-store' });
  response.end();
}

/** Whether a form post comes from this host's own page (login CSRF: another site could sign this browser in as its caller). */
function fromThisSite(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
