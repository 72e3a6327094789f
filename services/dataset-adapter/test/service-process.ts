import { spawn, type ChildProcess } from 'node:child_process';

/** A service's `main.ts` in its own process, for kills and pauses that no in-process shutdown can fake. */
export interface ServiceProcess {
  /** Process id while it runs. */
  readonly pid: number | undefined;
  /** Sends a signal (SIGKILL: gone without closing anything; SIGSTOP/SIGCONT: frozen and thawed). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Starts it again with the same environment; resolves once it logs its ready event. */
  restart(): Promise<void>;
}

/** What `startServiceProcess` runs. */
export interface ServiceProcessOptions {
  /** Path of the `main.ts` to run under tsx. */
  readonly main: string;
  readonly env: Record<string, string>;
  /** The `event` of the JSON log line (stdout or stderr) that says it is ready, e.g. `serving`. */
  readonly readyEvent: string;
  /** Killed and reported as failed when not ready by then. @default 60000 */
  readonly startTimeoutMs?: number;
}

/** Starts `main` under tsx with `env` on top of this process's environment; resolves once it logs `readyEvent`. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const readyMark = `"event":"${options.readyEvent}"`;
  let child: ChildProcess | undefined;
  // A parent that dies first must not leave its children behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  const start = async (): Promise<void> => {
    const proc = spawn(process.execPath, ['--import', 'tsx', options.main], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output = (output + chunk.toString()).slice(-4000);
        if (output.includes(readyMark)) resolve();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code, signal) => reject(new Error(`${options.main} exited (${code ?? signal}) before it was ready: ${output}`)));
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.startTimeoutMs ?? 60_000);
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
  };
  await start();
  return {
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    signal: (signal) => child?.kill(signal),
    kill: async () => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
    restart: start,
  };
}
