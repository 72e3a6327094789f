import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { toStruct } from '@sim2real/contracts';
import { encodePng } from '@sim2real/imaging';
import { TINY_MODEL, noiseImage } from '@sim2real/translation/testing';
import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { createTranslatorServer, tokenSha256 } from '../src/index.js';
import type { TranslatorServer, TranslatorServerHooks, TranslatorServerOptions } from '../src/index.js';
import { type Logger, loggerFrom } from '@sim2real/telemetry';

export { TINY_MODEL, noiseImage, trainTinyModel } from '@sim2real/translation/testing';

export async function pngOf(width: number, height: number, seed = 1): Promise<Uint8Array> {
  return encodePng(noiseImage(width, height, seed));
}

/** A folder of `count` random PNGs (training data). */
export async function writeImageFolder(dir: string, count: number, size: number, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) await writeFile(path.join(dir, `${i}.png`), await pngOf(size, size, seed + i));
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `sim2real-translator-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunningServer {
  server: TranslatorServer;
  port: number;
  address: string;
  client: TranslatorClient;
  close(): Promise<void>;
}

/** A logger that keeps each line as `{ event, ...fields }` in `logs`. */
export const collectLogs = (logs: Record<string, unknown>[]): Logger => loggerFrom((_level, event, fields) => logs.push({ event, ...fields }));

/** A logger that drops every line. */
export const quietLog: Logger = loggerFrom(() => undefined);

/** A real server on 127.0.0.1 (free port) with a connected client; logs collected in `logs`. */
export async function startTestServer(
  options: Partial<TranslatorServerOptions> & { registryDir: string },
  hooks: TranslatorServerHooks = {},
): Promise<RunningServer & { logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const server = createTranslatorServer({ host: '127.0.0.1', port: 0, ...options }, { log: collectLogs(logs), ...hooks });
  const { port } = await server.start();
  const address = `127.0.0.1:${port}`;
  const client = createTranslatorClient(address);
  await client.waitForReady(5000);
  return {
    server,
    port,
    address,
    client,
    logs,
    async close() {
      client.close();
      await server.shutdown(2000);
    },
  };
}

/** The gRPC status code of a rejected call. */
export async function statusOf(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
  throw new Error('The call succeeded but an error status was expected.');
}

/** The proto TrainingConfig of TINY_MODEL (knobs without a proto field go through `overrides`). */
export const tinyConfig = (steps: number) => ({
  preset: TINY_MODEL.preset,
  imageSize: TINY_MODEL.imageSize,
  steps,
  generatorWidth: TINY_MODEL.generatorWidth,
  residualBlocks: TINY_MODEL.residualBlocks,
  overrides: toStruct({
    attentionWidth: TINY_MODEL.attentionWidth,
    discriminatorWidth: TINY_MODEL.discriminatorWidth,
    discriminatorDownsamplings: TINY_MODEL.discriminatorDownsamplings,
    historyPoolSize: TINY_MODEL.historyPoolSize,
  }),
});

/** The roles of the test callers, by name: what `writeTokensFile` gives each. */
export const TEST_CALLER_ROLES = { translator: ['translate'], trainer: ['train'], trainer2: ['train'], admin: ['admin'] } as const;

/** Writes an `--auth-tokens` file (hashes only) for test callers: name → token, each with its TEST_CALLER_ROLES. */
export async function writeTokensFile(file: string, tokens: Partial<Record<keyof typeof TEST_CALLER_ROLES, string>>): Promise<void> {
  const entries = Object.entries(tokens).map(([name, token]) => ({
    name,
    token_sha256: tokenSha256(token),
    roles: TEST_CALLER_ROLES[name as keyof typeof TEST_CALLER_ROLES],
  }));
  await writeFile(file, JSON.stringify(entries));
}
