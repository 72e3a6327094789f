import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A `sim2real` subcommand running as a child process of the demo. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** The last stderr lines, for an error message. */
  tail(): string;
  /** SIGTERM (the command's clean stop), SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<ChildExit>;
}

export interface SpawnOptions {
  /** Called with every output line (stdout and stderr), after it is written to the log. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Runs `sim2real` subcommands as child processes, each in its own process group: a terminal's Ctrl-C reaches only
 * the demo, which stops them in pipeline order. Output goes to `<logDir>/<name>.log`. If the demo itself exits
 * without stopping them (a second Ctrl-C, a crash), an exit hook SIGKILLs whatever is still running.
 */
export class ChildProcesses {
  readonly #running = new Map<number, ChildProcess>();
  readonly #onExit = (): void => this.#killAll();
  /** Also SIGKILLed by the exit hook (e.g. a nats-server the demo started). */
  readonly adopted = new Set<number>();

  constructor(
    private readonly logDir: string,
    private readonly env: NodeJS.ProcessEnv,
    /** The `sim2real` executable (a script Node runs). */
    private readonly bin: string,
  ) {
    process.on('exit', this.#onExit);
  }

  spawn(name: string, args: readonly string[], options: SpawnOptions = {}): Child {
    const logFile = path.join(this.logDir, `${name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const proc = spawn(process.execPath, [this.bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: this.env });
    if (proc.pid === undefined) throw new Error(`could not start "sim2real ${args.join(' ')}"`);
    const pid = proc.pid;
    this.#running.set(pid, proc);
    log.write(`$ sim2real ${args.join(' ')}   (pid ${pid})\n`);
    const tail: string[] = [];
    const closed: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: proc[stream], crlfDelay: Infinity });
      closed.push(new Promise((resolve) => lines.once('close', resolve)));
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        if (stream === 'stderr') {
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
        options.onLine?.(line, stream);
      });
    }
    const exited = new Promise<ChildExit>((resolve) => {
      proc.once('exit', (code, signal) => {
        this.#running.delete(pid);
        // Output still buffered in the pipes is read before the exit is reported.
        void Promise.all(closed).then(() => {
          log.end(`(exited: ${signal ?? `code ${code}`})\n`);
          resolve({ code, signal });
        });
      });
    });
    return {
      name,
      pid,
      logFile,
      exited,
      tail: () => tail.join('\n'),
      stop: async (graceMs) => {
        if (this.#running.has(pid)) {
          signalGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        return exited;
      },
    };
  }

  /** SIGKILLs every child still running (synchronous: safe in an exit hook). */
  #killAll(): void {
    for (const pid of [...this.#running.keys(), ...this.adopted]) signalGroup(pid, 'SIGKILL');
  }

  /** Removes the exit hook (after a clean stop). */
  dispose(): void {
    process.off('exit', this.#onExit);
  }
}

/** Signals a child's whole process group (it is the group leader); ignores one that is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
