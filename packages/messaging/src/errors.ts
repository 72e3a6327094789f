/** A batch that does not fit in one NATS message even alone (one sample over `max_payload`). */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    message: string,
    readonly sizeBytes: number,
    readonly maxPayloadBytes: number,
  ) {
    super(message);
  }
}

/** NATS connection options that cannot work (a credentials file that cannot be read, user without password, ...). */
export class NatsOptionsError extends Error {
  override readonly name = 'NatsOptionsError';
  constructor(
    message: string,
    /** The option at fault, as its flag name (e.g. `nats-creds`). */
    readonly option: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The NATS server could not be reached, or refused our credentials. */
export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
  constructor(
    message: string,
    /** `auth` when the server refused the credentials (or none were given and it wants some), else `unreachable`. */
    readonly kind: 'auth' | 'unreachable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server refused a publish or subscription for lack of permission: retrying cannot help. */
export class NatsPermissionError extends Error {
  override readonly name = 'NatsPermissionError';
  constructor(
    message: string,
    /** The subject refused. */
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No `nats-server` binary to start a local server with. */
export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor(
    /** The folders searched (or the one path given). */
    readonly searched: readonly string[],
  ) {
    super(`nats-server was not found (looked in ${searched.join(', ')}): install it with "apt-get install -y nats-server" or point NATS_SERVER_BIN at it.`);
  }
}

/** A local nats-server that would not start. */
export class NatsServerError extends Error {
  override readonly name = 'NatsServerError';
}
