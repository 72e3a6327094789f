import type { JsMsg } from '@nats-io/jetstream';

/** A nats-server version as numbers. */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As the server gave it, e.g. `2.9.10`. */
  readonly text: string;
}

/** Parses `2.9.10`, `v2.10.4-beta`, `nats-server: v2.9.10`; unknown parts are 0. */
export function parseServerVersion(text: string): ServerVersion {
  const match = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return { major: Number(match?.[1] ?? 0), minor: Number(match?.[2] ?? 0), patch: Number(match?.[3] ?? 0), text: match?.[0] ?? text.trim() };
}

/** Whether `version` is at least major.minor.patch. */
export function versionAtLeast(version: ServerVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** What the connected server can do that matters to us. */
export interface ServerFeatures {
  readonly version: ServerVersion;
  /** `+TERM <reason>` is understood (2.10.4+); older servers redeliver a message termed with a reason. */
  readonly termWithReason: boolean;
  /** `jetstream { sync_interval: always }` is accepted (2.10+). */
  readonly syncInterval: boolean;
  /** Consumers with several filter subjects (2.10+). */
  readonly multiFilterConsumers: boolean;
}

/** The features of a server of this version. */
export function serverFeatures(versionText: string): ServerFeatures {
  const version = parseServerVersion(versionText);
  const v210 = versionAtLeast(version, 2, 10);
  return { version, termWithReason: versionAtLeast(version, 2, 10, 4), syncInterval: v210, multiFilterConsumers: v210 };
}

/**
 * Terminates a message (no redelivery) on any server: with the reason where the server understands it, else a
 * plain `term()` (2.9 would redeliver a message termed with a reason). The caller keeps the reason in its own
 * headers or logs either way.
 */
export function terminate(msg: JsMsg, reason: string, features: ServerFeatures): void {
  if (features.termWithReason) msg.term(reason.replace(/[\r\n]+/g, ' '));
  else msg.term();
}
