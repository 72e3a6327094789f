import { createTranslatorServer, type TranslatorServer, type TranslatorServerOptions } from '@sim2real/translator';
import { loggerFrom } from '@sim2real/telemetry';

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
        log: loggerFrom(() => undefined),
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
