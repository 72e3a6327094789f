import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';

const BIN = process.env.NATS_SERVER_BIN || '/usr/sbin/nats-server';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether this nats-server knows `jetstream { sync_interval }` (2.10+; Debian's 2.9.10 refuses the field). */
export function serverSyncsAlways(): boolean {
  const version = /v?(\d+)\.(\d+)/.exec(execFileSync(BIN, ['--version'], { encoding: 'utf8' }));
  return Number(version?.[1]) > 2 || (Number(version?.[1]) === 2 && Number(version?.[2]) >= 10);
}

/**
 * A real nats-server with JetStream on its own port and store folder, fsync on every write where the
 * server supports `sync_interval: always` (2.10+); 2.9 writes each message to the file before the
 * publish ack, so a SIGKILL (not a machine crash) loses nothing there either.
 */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** Whether the server was configured with `sync_interval: always`. */
  readonly syncAlways: boolean;
  /** Kills the process (SIGKILL): no graceful flush. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops it and removes the store. */
  close(): Promise<void>;
}

export async function startNatsServer(): Promise<NatsServerHandle> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sim2real-nats-'));
  const port = await freePort();
  const configFile = path.join(dir, 'nats.conf');
  const syncAlways = serverSyncsAlways();
  await writeFile(configFile, `jetstream { store_dir: "${path.join(dir, 'store')}"${syncAlways ? ', sync_interval: always' : ''} }\n`);
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn(BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited: ${stderr}`);
      try {
        const nc = await connect({ servers: url, reconnect: false, timeout: 500 });
        await nc.close();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`nats-server did not start: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    port,
    syncAlways,
    kill,
    restart: start,
    async close() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
