import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Metadata } from '@grpc/grpc-js';
import { ConfigError, PermissionDeniedError, UnauthenticatedError } from './errors.js';

/** What a token allows: `translate` ⊂ `train` ⊂ `admin`. */
export type Role = 'translate' | 'train' | 'admin';
export const ROLES: readonly Role[] = ['translate', 'train', 'admin'];

/** One entry of the `--auth-tokens` file: only the SHA-256 of the token is stored. */
export interface AuthTokenEntry {
  /** Caller name, written to spans and logs (never the token). */
  name: string;
  /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
  token_sha256: string;
  roles: Role[];
}

/** Who made a call. */
export interface Caller {
  name: string;
  roles: ReadonlySet<Role>;
}

/** The caller of every call when the server runs without tokens (loopback or `--insecure`). */
export const ANONYMOUS: Caller = { name: 'anonymous', roles: new Set(ROLES) };

/** Metadata keys the access layer sets for the handlers (any the client sends are removed first). */
const CALLER_KEY = 'sim2real-caller';
const ROLES_KEY = 'sim2real-caller-roles';

/** Lower-case hex SHA-256 of a token, as the tokens file stores it. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Reads and validates the tokens file; throws ConfigError with one sentence naming the entry at fault. */
export function readAuthTokens(file: string): AuthTokenEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('authTokensFile', `The tokens file ${file} cannot be read as JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError('authTokensFile', `The tokens file ${file} must hold a JSON array of {name, token_sha256, roles}.`);
  const names = new Set<string>();
  return parsed.map((raw: unknown, index) => {
    const entry = raw as Partial<AuthTokenEntry> | null;
    const at = `entry ${index} of the tokens file ${file}`;
    if (typeof entry?.name !== 'string' || !/^[\w.@-]{1,64}$/.test(entry.name)) throw new ConfigError('authTokensFile', `${at} needs a "name" of 1-64 letters, digits, ".", "_", "-", "@".`);
    if (names.has(entry.name)) throw new ConfigError('authTokensFile', `${at} repeats the name "${entry.name}".`);
    names.add(entry.name);
    if (typeof entry.token_sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(entry.token_sha256)) {
      throw new ConfigError('authTokensFile', `${at} needs "token_sha256": 64 hex digits (sha256sum of the token).`);
    }
    if (!Array.isArray(entry.roles) || entry.roles.length === 0 || entry.roles.some((r) => !ROLES.includes(r))) {
      throw new ConfigError('authTokensFile', `${at} needs "roles": a non-empty array of ${ROLES.map((r) => `"${r}"`).join(', ')}.`);
    }
    return { name: entry.name, token_sha256: entry.token_sha256.toLowerCase(), roles: [...entry.roles] };
  });
}

/** Roles a role implies: train can translate, admin can do everything. */
function expand(roles: readonly Role[]): Set<Role> {
  const set = new Set<Role>(roles);
  if (set.has('admin')) set.add('train');
  if (set.has('train')) set.add('translate');
  return set;
}

/** Maps bearer tokens to callers; compares hashes in constant time. */
export class Authenticator {
  readonly #entries: { hash: Buffer; caller: Caller }[];

  constructor(entries: readonly AuthTokenEntry[]) {
    this.#entries = entries.map((e) => ({ hash: Buffer.from(e.token_sha256, 'hex'), caller: { name: e.name, roles: expand(e.roles) } }));
  }

  /** The caller of `authorization: Bearer <token>`; UnauthenticatedError when it is missing, malformed or unknown. */
  authenticate(authorization: string | undefined): Caller {
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new UnauthenticatedError();
    return this.identify(match[1]!);
  }

  /** The caller of a bare token (the dashboard's sign-in form); UnauthenticatedError when it is unknown. */
  identify(token: string): Caller {
    const hash = createHash('sha256').update(token, 'utf8').digest();
    let found: Caller | undefined;
    for (const entry of this.#entries) if (timingSafeEqual(entry.hash, hash)) found = entry.caller;
    if (!found) throw new UnauthenticatedError();
    return found;
  }
}

/** Throws PermissionDeniedError unless the caller has `role` (implied roles count). */
export function requireRole(caller: Caller, role: Role, action: string): void {
  if (!caller.roles.has(role)) throw new PermissionDeniedError(action);
}

/** Replaces any caller fields and the token in the metadata by the authenticated caller (the handlers read them back). */
export function stampCaller(metadata: Metadata, caller: Caller): void {
  metadata.remove('authorization');
  metadata.set(CALLER_KEY, caller.name);
  metadata.set(ROLES_KEY, [...caller.roles].join(','));
}

/** The caller the access layer stamped on a call's metadata (ANONYMOUS-like with no roles when missing, which only a bypass would cause). */
export function callerOf(metadata: Metadata): Caller {
  const name = metadata.get(CALLER_KEY)[0];
  const roles = String(metadata.get(ROLES_KEY)[0] ?? '')
    .split(',')
    .filter((r): r is Role => ROLES.includes(r as Role));
  return { name: typeof name === 'string' ? name : 'unknown', roles: new Set(roles) };
}
