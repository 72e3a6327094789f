/*
 * Test fixtures for packages that test against a real translator (this package, clients/python, examples/):
 * a tiny model registry and the translator's own main.ts in a child process on a loopback port.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { trainTinyModel } from '@sim2real/translation/testing';

/** A temporary registry holding the tiny test model as `<name>/v1` for each of `names`. */
export async function tinyRegistry(names: readonly string[] = ['tiny']): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-client-registry-'));
  const [first, ...rest] = names;
  if (first !== undefined) {
    await trainTinyModel(path.join(dir, first, 'v1'));
    for (const name of rest) await cp(path.join(dir, first), path.join(dir, name), { recursive: true });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A translator running in its own process. */
export interface TranslatorProcess {
  /** `127.0.0.1:<port>` */
  address: string;
  port: number;
  child: ChildProcess;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * Starts `services/translator/src/main.ts` (the container entry point) with `env` on top of the variables it
 * needs (REGISTRY_DIR, HOST=127.0.0.1, PORT=0 unless given); resolves once it logs that it is serving.
 */
export async function startTranslatorProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<TranslatorProcess> {
  const main = path.join(path.dirname(fileURLToPath(import.meta.resolve('@sim2real/translator'))), 'main.ts');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SHUTDOWN_GRACE_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test process that dies before stop() must not leave its translator behind.
  const killChild = (): void => void child.kill('SIGKILL');
  process.once('exit', killChild);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit');
  void exited.then(() => process.removeListener('exit', killChild));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The translator did not serve within ${timeoutMs} ms.\n${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { event?: string; port?: number };
      if (entry.event === 'serving' && entry.port !== undefined) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`The translator exited with code ${String(code)} before serving.\n${stderr}`));
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited.catch(() => undefined);
      clearTimeout(kill);
    },
  };
}

/** Debian's interpreter (where python3-grpcio, -numpy and -torch install), unless `PYTHON` names another. */
export function pythonExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}
