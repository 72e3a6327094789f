import type { Adapter } from './adapter.js';

/** `/readyz` of an adapter: not ready while starting (undefined), stopping, or cut off from NATS or the translator. */
export function adapterReadiness(adapter: Adapter | undefined): { ok: boolean; checks: Record<string, true | string> } {
  if (!adapter) return { ok: false, checks: { adapter: 'starting' } };
  const checks = adapter.readiness();
  return { ok: Object.values(checks).every((c) => c === true), checks };
}
