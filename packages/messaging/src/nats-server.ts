import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type ConnectionOptions } from '@nats-io/transport-node';
import { NatsServerError, NatsServerNotFoundError } from './errors.js';
import { serverFeatures } from './version.js';

/** Where Debian and the upstream install scripts put the binary, searched after PATH (sbin is not on every PATH). */
const EXTRA_BIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The `nats-server` binary: `NATS_SERVER_BIN`, else the first on PATH or in the sbin folders.
 * @throws NatsServerNotFoundError with the install command
 */
export function locateNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NATS_SERVER_BIN) return env.NATS_SERVER_BIN;
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new NatsServerNotFoundError(dirs);
}

/** Whether this nats-server knows `jetstream { sync_interval }` (2.10+; Debian's 2.9.10 refuses the field). */
export function natsServerVersion(bin: string): { version: string; syncAlways: boolean } {
  let text: string;
  try {
    text = execFileSync(bin, ['--version'], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NatsServerNotFoundError([bin]);
    throw error;
  }
  const features = serverFeatures(text);
  return { version: features.version.text, syncAlways: features.syncInterval };
}

export interface NatsServerOptions {
  /** The binary. @default locateNatsServer() */
  bin?: string;
  /** Parent of the temporary folder holding the config and the JetStream store. @default os.tmpdir() */
  parentDir?: string;
  /**
   * Start the server in its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops
   * the pipeline in order (consumers before the server they drain to). @default false
   */
  ownProcessGroup?: boolean;
  /** Time allowed to accept connections. @default 10000 */
  startTimeoutMs?: number;
  /**
   * More server configuration appended to the file (e.g. an `authorization { users: [...] }` block). With
   * authorization on, give `probeAuth` too: the start-up probe connects with it. @default ''
   */
  extraConfig?: string;
  /** Connection options of the start-up probe (e.g. `{ user, pass }`). @default none */
  probeAuth?: Partial<ConnectionOptions>;
}

/**
 * A real nats-server with JetStream on its own port and store folder, fsync on every write where the
 * server supports `sync_interval: always` (2.10+); 2.9 writes each message to the file before the
 * publish ack, so a SIGKILL (not a machine crash) loses nothing there either.
 */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** e.g. `v2.9.10`. */
  readonly version: string;
  /** Whether the server was configured with `sync_interval: always`. */
  readonly syncAlways: boolean;
  /** The temporary folder (config and store), removed by `close()`. */
  readonly dir: string;
  /** Process id of the running server; undefined while it is down. */
  readonly pid: number | undefined;
  /** Kills the process (SIGKILL): no graceful flush. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes the folder. Idempotent. */
  close(): Promise<void>;
}

/** Starts a local nats-server with JetStream on a free loopback port and a temporary store; resolves once it accepts connections. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = options.bin ?? locateNatsServer();
  const { version, syncAlways } = natsServerVersion(bin);
  const dir = await mkdtemp(path.join(options.parentDir ?? tmpdir(), 'sim2real-nats-'));
  const port = await freePort();
  const configFile = path.join(dir, 'nats.conf');
  await writeFile(configFile, `jetstream { store_dir: "${path.join(dir, 'store')}"${syncAlways ? ', sync_interval: always' : ''} }\n${options.extraConfig ?? ''}\n`);
  const url = `nats://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const start = async (): Promise<void> => {
    const proc = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-c', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: options.ownProcessGroup ?? false,
    });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null) throw new NatsServerError(`nats-server exited with code ${proc.exitCode}: ${stderr.trim()}`);
      try {
        const nc = await connect({ servers: url, reconnect: false, timeout: 500, ...options.probeAuth });
        await nc.close();
        return;
      } catch {
        if (Date.now() > deadline) {
          await stop('SIGKILL');
          throw new NatsServerError(`nats-server did not accept connections within ${startTimeoutMs} ms: ${stderr.trim()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    version,
    syncAlways,
    dir,
    get pid() {
      return child?.pid;
    },
    kill: () => stop('SIGKILL'),
    restart: start,
    async close() {
      await stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
