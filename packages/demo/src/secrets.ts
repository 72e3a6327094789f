import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCa, makeLeaf } from '@sim2real/client';
import { tokenSha256, type AuthTokenEntry } from '@sim2real/translator';

/**
 * The demo's throwaway secrets, so that it runs with TLS and tokens on as a deployment does: a CA valid one day,
 * the translator's certificate (localhost, 127.0.0.1), a `train` token for the demo itself (StartTraining and the
 * sample strip) and a `translate` token for the adapter. They live in a private temporary folder, removed at the end.
 */
export interface DemoSecrets {
  /** The CA certificate (PEM) every client trusts. */
  readonly caFile: string;
  readonly ca: Buffer;
  /** The translator's `--tls-cert`, `--tls-key` and `--auth-tokens` files. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly tokensFile: string;
  /** The demo's own token (role `train`). */
  readonly demoToken: string;
  /** The file holding the adapter's token (role `translate`), for its `--token-file`. */
  readonly adapterTokenFile: string;
  remove(): Promise<void>;
}

/** Makes the secrets (Debian's openssl; about a second). */
export async function makeDemoSecrets(): Promise<DemoSecrets> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sim2real-demo-secrets-'));
  try {
    const ca = makeCa(dir, 'demo-ca');
    const server = makeLeaf(dir, 'translator', ca, 'server');
    const demoToken = randomBytes(32).toString('base64url');
    const adapterToken = randomBytes(32).toString('base64url');
    const tokens: AuthTokenEntry[] = [
      { name: 'demo', token_sha256: tokenSha256(demoToken), roles: ['train'] },
      { name: 'demo-adapter', token_sha256: tokenSha256(adapterToken), roles: ['translate'] },
    ];
    const tokensFile = path.join(dir, 'tokens.json');
    const adapterTokenFile = path.join(dir, 'adapter.token');
    await writeFile(tokensFile, JSON.stringify(tokens), { mode: 0o600 });
    await writeFile(adapterTokenFile, `${adapterToken}\n`, { mode: 0o600 });
    return {
      caFile: ca.cert,
      ca: await readFile(ca.cert),
      serverCertFile: server.cert,
      serverKeyFile: server.key,
      tokensFile,
      demoToken,
      adapterTokenFile,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`The demo could not make its throwaway CA and tokens (it needs openssl): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
