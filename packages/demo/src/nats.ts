import { connect } from '@nats-io/transport-node';
import { locateNatsServer, startNatsServer, type NatsServerHandle } from '@sim2real/messaging';

/** The NATS server the demo runs on: one that was given and answers, or a local one it started (and stops). */
export interface DemoNats {
  readonly url: string;
  /** The local server, when the demo started one. */
  readonly local: NatsServerHandle | undefined;
  /** Why a given server was not used. */
  readonly note: string | undefined;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 2000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Uses `url` when a server answers there; otherwise starts nats-server with JetStream in a temporary folder.
 * @throws NatsServerNotFoundError (with the install command) when there is no binary either
 */
export async function demoNats(url: string | undefined, env: NodeJS.ProcessEnv): Promise<DemoNats> {
  if (url !== undefined && (await reachable(url))) return { url, local: undefined, note: undefined };
  const local = await startNatsServer({ bin: locateNatsServer(env), ownProcessGroup: true });
  return { url: local.url, local, note: url === undefined ? undefined : `${url} did not answer` };
}
