import type { IncomingMessage } from 'node:http';

/** Whether an HTTP request may see the dashboard and its API. */
export type DashboardAccess = { allowed: true } | { allowed: false; status: 401 | 403; message: string };

/**
 * The one place that decides who may use the dashboard (`/` and `/api/*`; `/metrics`, `/healthz` and `/readyz`
 * stay open for scrapers and probes). Today every request is allowed, as the gRPC server allows every call; when
 * the server gets tokens and roles, this function checks the same `authorization: Bearer <token>` header against
 * them (viewing: any role; "try it": `translate`).
 */
export function dashboardAccess(_request: IncomingMessage, _action: 'view' | 'translate'): DashboardAccess {
  return { allowed: true };
}
