import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../auth.js';

/** Name of the dashboard's session cookie (it holds a random session id, never the token). */
export const SESSION_COOKIE = 'sim2real_session';
/** How long a dashboard sign-in lasts, ms: a working day; then the page asks for the token again. */
const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions kept at once; beyond it the oldest is forgotten (its browser signs in again). */
const MAX_SESSIONS = 10_000;

interface Session {
  caller: Caller;
  expires: number;
}

/**
 * The dashboard's sign-ins, in memory: a random 256-bit id per sign-in, mapped to the caller its token named.
 * Browsers hold the id in an HttpOnly, SameSite=Strict cookie (EventSource cannot send an Authorization header).
 * A restart, or another replica, forgets them: the browser signs in again.
 */
export class DashboardSessions {
  readonly #sessions = new Map<string, Session>();

  /** A new session for `caller`; returns its id. */
  open(caller: Caller, now = Date.now()): string {
    this.#prune(now);
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { caller, expires: now + SESSION_TTL_MS });
    return id;
  }

  /** The caller of a live session id, else undefined. */
  caller(id: string | undefined, now = Date.now()): Caller | undefined {
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expires > now) return session.caller;
    this.#sessions.delete(id!);
    return undefined;
  }

  /** Ends a session (sign out); unknown ids are ignored. */
  close(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  #prune(now: number): void {
    for (const [id, session] of this.#sessions) if (session.expires <= now) this.#sessions.delete(id);
  }
}

/** The session id in a request's Cookie header, if any. */
export function sessionIdOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** The Set-Cookie value that stores `id` (or, with undefined, clears it); `Secure` on HTTPS. */
export function sessionCookie(id: string | undefined, secure: boolean): string {
  const lifetime = id === undefined ? 'Max-Age=0' : `Max-Age=${SESSION_TTL_MS / 1000}`;
  return [`${SESSION_COOKIE}=${id ?? ''}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', lifetime, ...(secure ? ['Secure'] : [])].join('; ');
}
