import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { experimental } from '@grpc/grpc-js';
import { ConfigError } from './errors.js';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;
/** Told after each reload: whether the new files are in use, or why the old ones stay. */
export type ReloadListener = (outcome: { ok: true } | { ok: false; error: string }) => void;

/** The files of the server's TLS identity and, for mTLS, the CA its clients' certificates must chain to. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** When set, clients must present a certificate signed by this CA (mTLS). */
  clientCaFile: string | undefined;
}

interface Loaded {
  certificate: Buffer;
  privateKey: Buffer;
  caCertificate: Buffer | undefined;
}

/** Settle time after a file change before re-reading (editors and `cp` write in several steps). */
const CHANGE_DEBOUNCE_MS = 200;

/**
 * A grpc-js certificate provider over PEM files that re-reads them on `reload()` (SIGHUP) and when a file (or its
 * folder, so that renames and Kubernetes secret swaps count) changes. A new set is checked with
 * `tls.createSecureContext` before it is handed to the server; a bad set is reported and the old one stays in
 * use, so a half-written key never takes the port down.
 */
export class ReloadableCertificates implements experimental.CertificateProvider {
  readonly #files: TlsFiles;
  readonly #onReload: ReloadListener;
  readonly #caListeners = new Set<CaListener>();
  readonly #identityListeners = new Set<IdentityListener>();
  readonly #watchers: FSWatcher[] = [];
  #current: Loaded;
  #timer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();

  private constructor(files: TlsFiles, current: Loaded, onReload: ReloadListener) {
    this.#files = files;
    this.#current = current;
    this.#onReload = onReload;
  }

  /** Reads and checks the files once (ConfigError naming the problem), then watches them. */
  static async open(files: TlsFiles, onReload: ReloadListener): Promise<ReloadableCertificates> {
    let loaded: Loaded;
    try {
      loaded = await readSet(files);
    } catch (error) {
      throw new ConfigError('tlsCertFile', `The TLS files cannot be used: ${error instanceof Error ? error.message : String(error)}.`);
    }
    const provider = new ReloadableCertificates(files, loaded, onReload);
    provider.#watch();
    return provider;
  }

  /** grpc-js server credentials serving these certificates; mTLS (client certificate required) when a client CA is set. */
  serverCredentials(): grpc.ServerCredentials {
    // grpc-js 1.14 passes this function's first argument on as the identity provider and its second as the CA
    // provider (its parameter names say the opposite); this object is both, so the order cannot go wrong.
    const mtls = this.#files.clientCaFile !== undefined;
    return grpc.experimental.createCertificateProviderServerCredentials(this, mtls ? this : null, mtls);
  }

  /** The certificate, key and client CA in use, as PEM (for the HTTPS dashboard on the same identity). */
  pem(): { cert: Buffer; key: Buffer; ca: Buffer | undefined } {
    return { cert: this.#current.certificate, key: this.#current.privateKey, ca: this.#current.caCertificate };
  }

  /** Re-reads the files; keeps the current set when the new one does not load. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(async () => {
      try {
        this.#current = await readSet(this.#files);
      } catch (error) {
        this.#onReload({ ok: false, error: error instanceof Error ? error.message : String(error) });
        return;
      }
      for (const listener of this.#identityListeners) listener(this.#identity());
      for (const listener of this.#caListeners) listener(this.#ca());
      this.#onReload({ ok: true });
    });
    return this.#reloading;
  }

  /** Stops watching the files. */
  close(): void {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
  }

  // grpc-js attaches its watcher only after adding these listeners, so the first update is delivered a tick later.
  addCaCertificateListener(listener: CaListener): void {
    this.#caListeners.add(listener);
    queueMicrotask(() => listener(this.#ca()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.#caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.#identityListeners.add(listener);
    queueMicrotask(() => listener(this.#identity()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.#identityListeners.delete(listener);
  }

  #identity(): experimental.IdentityCertificateUpdate {
    return { certificate: this.#current.certificate, privateKey: this.#current.privateKey };
  }

  #ca(): experimental.CaCertificateUpdate | null {
    return this.#current.caCertificate ? { caCertificate: this.#current.caCertificate } : null;
  }

  #watch(): void {
    const files = [this.#files.certFile, this.#files.keyFile, this.#files.clientCaFile].filter((f): f is string => f !== undefined);
    const names = new Set(files.map((f) => path.basename(f)));
    for (const dir of new Set(files.map((f) => path.dirname(path.resolve(f))))) {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && !names.has(name) && !name.startsWith('..')) return;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.reload(), CHANGE_DEBOUNCE_MS).unref();
      });
      watcher.on('error', () => watcher.close());
      this.#watchers.push(watcher);
    }
  }
}

async function readSet(files: TlsFiles): Promise<Loaded> {
  const read = (file: string, what: string): Promise<Buffer> =>
    readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`the ${what} ${file} cannot be read (${error.code ?? error.message})`);
    });
  const [certificate, privateKey, caCertificate] = await Promise.all([
    read(files.certFile, 'certificate'),
    read(files.keyFile, 'private key'),
    files.clientCaFile === undefined ? undefined : read(files.clientCaFile, 'client CA'),
  ]);
  try {
    createSecureContext({ cert: certificate, key: privateKey, ca: caCertificate });
  } catch (error) {
    throw new Error(`the certificate, key${caCertificate ? ' and client CA' : ''} do not form a usable set (${error instanceof Error ? error.message : String(error)})`);
  }
  return { certificate, privateKey, caCertificate };
}
