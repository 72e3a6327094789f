import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@sim2real/messaging/testing';
import type { TranslationOptions } from '@sim2real/translation';
import { trainTinyModel } from '@sim2real/translation/testing';
import { createTranslatorServer, type TranslatorServer, type TranslatorServerOptions } from '@sim2real/translator';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/** A model registry in a temp folder holding `<model>/v1`, trained on noise; `remove()` deletes it. */
export async function trainTinyRegistry(model: string, options: TranslationOptions = {}): Promise<{ registryDir: string; remove: () => Promise<void> }> {
  const registryDir = await mkdtemp(path.join(tmpdir(), 'sim2real-adapter-registry-'));
  await trainTinyModel(path.join(registryDir, model, 'v1'), options);
  return { registryDir, remove: () => rm(registryDir, { recursive: true, force: true }) };
}

/** A real translator server (`createTranslatorServer`) on 127.0.0.1 (or `host`) that can be killed and started again on its port. */
export interface RealTranslator {
  /** `HOST:PORT`, the same across restarts. */
  readonly address: string;
  /** The running server (a new one after `restart()`). */
  readonly server: TranslatorServer;
  /** Images answered over this handle's servers, killed ones included. */
  answeredImages(): number;
  /** Cuts it off at once: open streams fail with UNAVAILABLE. */
  kill(): Promise<void>;
  /** Serves again on the same port with the same options. */
  restart(): Promise<void>;
}

export async function startRealTranslator(options: TranslatorServerOptions): Promise<RealTranslator> {
  const host = options.host ?? '127.0.0.1';
  let server: TranslatorServer | undefined;
  let port = options.port ?? 0;
  let answered = 0;
  const serve = async (): Promise<void> => {
    const s = createTranslatorServer(
      { ...options, host, port },
      {
        log: () => undefined,
        onBatch: (report) => {
          if (report.error === undefined) answered += report.size;
        },
      },
    );
    port = (await s.start()).port;
    server = s;
  };
  await serve();
  return {
    address: `${host}:${port}`,
    get server(): TranslatorServer {
      return server!;
    },
    answeredImages: () => answered,
    kill: async () => {
      await server?.shutdown(0);
      server = undefined;
    },
    restart: serve,
  };
}

/** A translator as its own process (`services/translator/src/main.ts`), for kills that no in-process shutdown can fake. */
export interface TranslatorProcess extends ServiceProcess {
  /** `127.0.0.1:PORT`, the same across restarts. */
  readonly address: string;
}

const TRANSLATOR_MAIN = fileURLToPath(new URL('../../translator/src/main.ts', import.meta.url));

/** Starts `services/translator/src/main.ts` on a free port of 127.0.0.1 serving `registryDir`; resolves once it logs `serving`. */
export async function startTranslatorProcess(options: { registryDir: string; port?: number; env?: Record<string, string> }): Promise<TranslatorProcess> {
  const port = options.port ?? (await freePort());
  const service = await startServiceProcess({
    main: TRANSLATOR_MAIN,
    env: { REGISTRY_DIR: options.registryDir, HOST: '127.0.0.1', PORT: String(port), ...options.env },
    readyEvent: 'serving',
  });
  return Object.assign(service, { address: `127.0.0.1:${port}` });
}
