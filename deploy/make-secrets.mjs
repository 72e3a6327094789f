// @ts-check
// Makes the secrets of compose.yaml (and of the Kubernetes Secrets, deploy/README.md) in deploy/secrets/ (or the
// folder given), never committed:
//   ca.pem ca.key              a private CA (P-256, 825 days; keep ca.key offline in real use)
//   translator.pem .key        the translator's TLS identity (SAN translator, its in-cluster names, localhost, 127.0.0.1)
//   tokens.json                the translator's --auth-tokens file: names, SHA-256 of the tokens, roles
//   <name>.token               one bearer token per caller: adapter and prometheus (translate), trainer (train), admin (admin)
//   nats-users.conf            public NKeys of the NATS users (included by nats/accounts.conf)
//   <service>.nk               the NKey seed of each NATS user: publisher, adapter, regressor, ops
// Usage: node deploy/make-secrets.mjs [DIR]   (needs openssl; refuses to overwrite an existing DIR)
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { createUser } from '@nats-io/nkeys';

const dir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'secrets'));
if (existsSync(dir)) {
  process.stderr.write(`make-secrets: ${dir} exists; remove it first to make new secrets.\n`);
  process.exit(2);
}
mkdirSync(dir, { mode: 0o700 });
const file = (/** @type {string} */ name) => path.join(dir, name);
// The folder is private to its owner; the files are world-readable so that a container's non-root user (uid 1000)
// can read them when compose bind-mounts them as secrets.
const secret = (/** @type {string} */ name, /** @type {string | Uint8Array} */ data) => writeFileSync(file(name), data, { mode: 0o644 });
const openssl = (/** @type {string[]} */ args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'inherit'] });
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

openssl(['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '825', '-subj', '/CN=sim2real deploy CA']);
writeFileSync(file('translator.ext'), 'subjectAltName=DNS:translator,DNS:translator.sim2real.svc,DNS:translator.sim2real.svc.cluster.local,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl(['req', ...newKey, '-keyout', file('translator.key'), '-out', file('translator.csr'), '-subj', '/CN=translator']);
chmodSync(file('translator.key'), 0o644);
openssl(['x509', '-req', '-in', file('translator.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('translator.pem'), '-days', '825', '-extfile', file('translator.ext')]);

/** @type {{ name: string; token_sha256: string; roles: string[] }[]} */
const tokens = [];
/** @type {[string, string][]} */
const callers = [['adapter', 'translate'], ['prometheus', 'translate'], ['trainer', 'train'], ['admin', 'admin']];
for (const [name, role] of callers) {
  const token = randomBytes(32).toString('base64url');
  secret(`${name}.token`, `${token}\n`);
  tokens.push({ name, token_sha256: createHash('sha256').update(token).digest('hex'), roles: [role] });
}
secret('tokens.json', `${JSON.stringify(tokens, null, 2)}\n`);

const users = [];
for (const service of ['publisher', 'adapter', 'regressor', 'ops']) {
  const user = createUser();
  secret(`${service}.nk`, `${Buffer.from(user.getSeed()).toString('utf8')}\n`);
  users.push(`${service.toUpperCase()}_NKEY: ${user.getPublicKey()}`);
}
writeFileSync(file('nats-users.conf'), `# Public NKeys of the NATS users (made by make-secrets.mjs).\n${users.join('\n')}\n`);
process.stdout.write(`secrets written to ${dir}\n`);
