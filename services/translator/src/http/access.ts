import type { IncomingMessage } from 'node:http';
import { accessRule, requireRule } from '../access.js';
import type { Rule } from '../access.js';
import { ANONYMOUS } from '../auth.js';
import type { Authenticator, Caller } from '../auth.js';
import { UnauthenticatedError } from '../errors.js';
import { RPC_SERVICE } from '../telemetry.js';
import type { DashboardSessions } from './sessions.js';
import { sessionIdOf } from './sessions.js';

/** The rule of a route of the HTTP port that shows what a Translator method returns: that method's (access.ts's table). */
export function ruleOfMethod(method: string): Rule {
  return accessRule(`/${RPC_SERVICE}/${method}`);
}

/**
 * The one place that decides who may use the HTTP port, with the gRPC server's tokens and roles. A request is
 * authenticated by `authorization: Bearer <token>` (API clients, Prometheus) or else by the dashboard's session
 * cookie (browsers: EventSource cannot send headers); without tokens every request is ANONYMOUS with every role,
 * as on gRPC (the port then listens on loopback unless `--insecure`).
 */
export class DashboardGuard {
  constructor(
    private readonly authenticator: Authenticator | undefined,
    readonly sessions: DashboardSessions,
  ) {}

  /** Whether the server has tokens (and so the page a sign-in form). */
  get tokens(): boolean {
    return this.authenticator !== undefined;
  }

  /** Who sent the request; UnauthenticatedError when tokens are on and it has neither a known token nor a live session. */
  caller(request: IncomingMessage): Caller {
    if (!this.authenticator) return ANONYMOUS;
    const header = request.headers.authorization;
    if (header !== undefined) return this.authenticator.authenticate(header);
    const caller = this.sessions.caller(sessionIdOf(request));
    if (!caller) throw new UnauthenticatedError();
    return caller;
  }

  /** The caller, when `rule` lets it `action`; else UnauthenticatedError (→ 401) or PermissionDeniedError (→ 403). */
  admit(request: IncomingMessage, rule: Rule, action: string): Caller {
    if (rule === 'open') return ANONYMOUS;
    const caller = this.caller(request);
    requireRule(caller, rule, action);
    return caller;
  }

  /** Signs a token in: a new session for its caller (UnauthenticatedError when the token is unknown or tokens are off). */
  signIn(token: string): { caller: Caller; sessionId: string } {
    if (!this.authenticator) throw new UnauthenticatedError();
    const caller = this.authenticator.identify(token);
    return { caller, sessionId: this.sessions.open(caller) };
  }
}
