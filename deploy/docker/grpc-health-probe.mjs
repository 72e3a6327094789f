// @ts-check
// Container health check for gRPC servers: calls grpc.health.v1.Health/Check and exits 0 only on SERVING.
// Usage: node deploy/docker/grpc-health-probe.mjs [HOST:PORT] [SERVICE] [TIMEOUT_MS] [CA_FILE]
// (defaults 127.0.0.1:50051, "" = the whole server, 3000, plaintext). With CA_FILE it speaks TLS and trusts that CA
// (the health service needs no token). Kubernetes runs it too: its native `grpc:` probes cannot speak TLS.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

/**
 * @typedef {{ status?: string }} HealthCheckResponse
 * @typedef {(error: grpc.ServiceError | null, response?: HealthCheckResponse) => void} HealthCheckCallback
 * @typedef {{ Check(request: { service: string }, options: grpc.CallOptions, callback: HealthCheckCallback): void; close(): void }} HealthClient
 * @typedef {{ grpc: { health: { v1: { Health: new (target: string, credentials: grpc.ChannelCredentials) => HealthClient } } } }} HealthPackage
 */

const [target = '127.0.0.1:50051', service = '', timeoutArg = '3000', caFile = ''] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg);

const definition = protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
const loaded = /** @type {HealthPackage} */ (/** @type {unknown} */ (grpc.loadPackageDefinition(definition)));
const credentials = caFile ? grpc.credentials.createSsl(readFileSync(caFile)) : grpc.credentials.createInsecure();
const client = new loaded.grpc.health.v1.Health(target, credentials);

client.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
  client.close();
  if (error) {
    process.stderr.write(`health check of ${target} failed: ${error.message}\n`);
    process.exit(1);
  }
  const status = response?.status ?? 'UNKNOWN';
  process.stdout.write(`${target} ${service || '(server)'}: ${status}\n`);
  process.exit(status === 'SERVING' ? 0 : 1);
});
