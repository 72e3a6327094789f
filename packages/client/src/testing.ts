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
import type { TranslationOptions } from '@sim2real/translation';
import { trainTinyModel } from '@sim2real/translation/testing';

/**
 * A temporary registry holding the tiny test model (trained for a few steps on noise; `options` change its
 * architecture) as `<name>/v1` for each of `names`.
 */
export async function tinyRegistry(names: readonly string[] = ['tiny'], options: TranslationOptions = {}): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-registry-'));
  const [first, ...rest] = names;
  if (first !== undefined) {
    await trainTinyModel(path.join(dir, first, 'v1'), options);
    for (const name of rest) await cp(path.join(dir, first), path.join(dir, name), { recursive: true });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A translator running in its own process, which a test can signal, kill and start again on the same port. */
export interface TranslatorProcess {
  /** `127.0.0.1:<port>`, the same across restarts. */
  readonly address: string;
  readonly port: number;
  /** The running process (a new one after `restart()`). */
  readonly child: ChildProcess;
  /** Its process id while it runs. */
  readonly pid: number | undefined;
  /** Everything it wrote on stderr, over restarts. */
  stderr(): string;
  /** Sends a signal (SIGSTOP / SIGCONT: frozen and thawed). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL (gone without closing anything), then waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same environment; resolves once it serves. */
  restart(): Promise<void>;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const TRANSLATOR_MAIN = path.join(path.dirname(fileURLToPath(import.meta.resolve('@sim2real/translator'))), 'main.ts');

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/**
 * Starts `services/translator/src/main.ts` (the container entry point) with `env` on top of the variables it
 * needs (REGISTRY_DIR, HOST=127.0.0.1, PORT=0 unless given); resolves once it logs that it is serving. TLS and
 * tokens are its own variables: SIM2REAL_TLS_CERT, SIM2REAL_TLS_KEY, SIM2REAL_AUTH_TOKENS (`makeCa` and `makeLeaf` make throwaway certificates).
 */
export async function startTranslatorProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<TranslatorProcess> {
  let stderr = '';
  const spawnServing = async (port: string): Promise<{ child: ChildProcess; port: number; exited: Promise<unknown> }> => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), TRANSLATOR_MAIN], {
      env: { ...process.env, HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '2000', ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A test process that dies before stop() must not leave its translator behind.
    const killChild = (): void => void child.kill('SIGKILL');
    process.once('exit', killChild);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    void exited.then(() => process.removeListener('exit', killChild));
    const served = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`The translator did not serve within ${timeoutMs} ms.\n${stderr.slice(-4000)}`));
      }, timeoutMs);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { event?: string; port?: number };
        if (entry.event === 'serving' && entry.port !== undefined) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      });
      void exited.then(([code, signal]) => {
        clearTimeout(timer);
        reject(new Error(`The translator exited (${String(code ?? signal)}) before serving.\n${stderr.slice(-4000)}`));
      });
    });
    return { child, port: served, exited };
  };

  let current = await spawnServing(env.PORT ?? '0');
  const port = current.port;
  const waitExit = async (signal: NodeJS.Signals, killAfterMs?: number): Promise<void> => {
    const { child, exited } = current;
    if (!running(child)) return;
    const kill = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.kill(signal);
    await exited.catch(() => undefined);
    clearTimeout(kill);
  };
  return {
    address: `127.0.0.1:${port}`,
    port,
    get child() {
      return current.child;
    },
    get pid() {
      return running(current.child) ? current.child.pid : undefined;
    },
    stderr: () => stderr,
    signal: (signal) => void current.child.kill(signal),
    kill: () => waitExit('SIGKILL'),
    restart: async () => {
      current = await spawnServing(String(port));
    },
    stop: () => waitExit('SIGTERM', 10_000),
  };
}

/** Debian's interpreter (where python3-grpcio, -numpy and -torch install), unless `PYTHON` names another. */
export function pythonExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}
