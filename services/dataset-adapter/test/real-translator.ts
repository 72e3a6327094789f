import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { imageSetFromImages, type RgbImage } from '@sim2real/imaging';
import { initBackend } from '@sim2real/tensor';
import { resolveTranslationConfig, train, type TranslationOptions } from '@sim2real/translation';
import { createTranslatorServer, type TranslatorServer, type TranslatorServerOptions } from '@sim2real/translator';

/** The smallest model with every part (as the translator's own tests use): 16 px, ngf 4, 1 residual block, 3 steps, no VGG. */
const TINY_MODEL: TranslationOptions = {
  imageSize: 16,
  generatorWidth: 4,
  residualBlocks: 1,
  attentionWidth: 4,
  discriminatorWidth: 4,
  discriminatorDownsamplings: 1,
  historyPoolSize: 2,
  steps: 3,
  checkpointEverySteps: 100,
  sampleEverySteps: 100,
};

/** A deterministic noisy RGB image. */
export function noiseImage(size: number, seed: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24;
  }
  return { width: size, height: size, data };
}

/** A model registry in a temp folder holding `<model>/v1`, trained on noise; `remove()` deletes it. */
export async function trainTinyRegistry(model: string, options: TranslationOptions = {}): Promise<{ registryDir: string; remove: () => Promise<void> }> {
  await initBackend({ backend: 'auto' });
  const registryDir = await mkdtemp(path.join(tmpdir(), 'sim2real-adapter-registry-'));
  const config = resolveTranslationConfig({ ...TINY_MODEL, ...options });
  const images = (seed: number): RgbImage[] => Array.from({ length: 4 }, (_, i) => noiseImage(config.imageSize, seed + i));
  const source = await imageSetFromImages(images(1), config.imageSize);
  const target = await imageSetFromImages(images(100), config.imageSize);
  await train({ source, target, modelDir: path.join(registryDir, model, 'v1'), config });
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
