export { freePort, locateNatsServer, natsServerVersion, startNatsServer } from './nats-server.js';
export type { NatsServerHandle, NatsServerOptions } from './nats-server.js';
