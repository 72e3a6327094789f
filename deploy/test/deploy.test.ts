/*
 * Holds the deploy files to the code: environment variables, ports, NATS names, images, kustomize trees.
 * Tools that may be missing (kubectl, yamllint, docker-compose, nats-server >= 2.10) are used when present and
 * skipped with a message otherwise.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { validate } from 'dockerfile-utils';
import { SYNTHETIC_STREAM, consumerName } from '@sim2real/messaging';
import {
  DEPLOY_DIR,
  IMAGE_SOURCES,
  REPO_DIR,
  containersOf,
  deployPath,
  dockerEnvNames,
  envNamesInSource,
  envNamesReadBy,
  field,
  isMadeSecret,
  manifestsOf,
  parseDockerfile,
  parseYamlDocuments,
  readKustomization,
  readText,
  readYaml,
  splitImage,
  stageChain,
  unreadEnv,
  type KustomizeTree,
  type Yaml,
} from './repo.js';

const compose = readYaml(deployPath('compose.yaml'));
const composeServices = field(compose, 'services') as Record<string, Yaml>;
const dockerfileText = readText(deployPath('docker', 'Dockerfile'));
const stages = parseDockerfile(dockerfileText);
const natsValues = readYaml(deployPath('k8s', 'nats', 'values.yaml'));
const OVERLAYS = ['cpu', 'gpu', 'example'] as const;
const trees = new Map<string, KustomizeTree>([
  ['base', readKustomization(deployPath('k8s', 'base'))],
  ...OVERLAYS.map((o) => [o, readKustomization(deployPath('k8s', 'overlays', o))] as const),
]);

/** Variables each program reads, computed once per source folder. */
const readCache = new Map<string, Set<string>>();
function envReadByImage(image: string): Set<string> {
  const source = IMAGE_SOURCES[splitImage(image).name];
  assert.ok(source, `image ${image} is not one of ours (${Object.keys(IMAGE_SOURCES).join(', ')})`);
  if (!readCache.has(source)) readCache.set(source, envNamesReadBy(source));
  return readCache.get(source)!;
}

const composeEnv = (service: string): Record<string, string> => (composeServices[service]?.environment ?? {}) as Record<string, string>;
const ourComposeServices = Object.entries(composeServices).filter(([, s]) => typeof s.image === 'string' && s.image.startsWith('sim2real/'));

/** Environment of a container as Kubernetes would give it: envFrom ConfigMaps of the tree, then `env`. */
function containerEnv(tree: KustomizeTree, container: Yaml): Map<string, string> {
  const env = new Map<string, string>();
  for (const source of (container.envFrom as Yaml[] | undefined) ?? []) {
    const name = String(field(source, 'configMapRef.name'));
    const vars = tree.configMaps.get(name);
    assert.ok(vars, `container ${String(container.name)} loads ConfigMap ${name}, which no configMapGenerator makes`);
    for (const [key, value] of vars) env.set(key, value);
  }
  for (const entry of (container.env as { name: string; value?: string }[] | undefined) ?? []) env.set(entry.name, entry.value ?? '');
  return env;
}

function workloads(tree: KustomizeTree): Yaml[] {
  return manifestsOf(tree).filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
}

function ourContainers(tree: KustomizeTree): Yaml[] {
  return workloads(tree)
    .flatMap(containersOf)
    .filter((c) => String(c.image).startsWith('sim2real/'));
}

function manifest(tree: KustomizeTree, kind: string, name: string): Yaml {
  const found = manifestsOf(tree).find((m) => m.kind === kind && field(m, 'metadata.name') === name);
  assert.ok(found, `no ${kind} ${name}`);
  return found;
}

function hasCommand(command: string, args: string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

void describe('kustomize trees', () => {
  for (const [name, tree] of trees) {
    void it(`${name}: every file a kustomization names exists`, () => {
      const missing = tree.files.filter((f) => !existsSync(f)).map((f) => path.relative(DEPLOY_DIR, f));
      assert.deepEqual(missing, []);
      assert.ok(tree.resources.length > 0);
    });
  }

  const kubectl = hasCommand('kubectl', ['version', '--client']);
  for (const overlay of OVERLAYS) {
    void it(`${overlay}: renders with kubectl kustomize`, { skip: !kubectl && 'kubectl is not installed' }, () => {
      const result = spawnSync('kubectl', ['kustomize', deployPath('k8s', 'overlays', overlay)], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const docs = parseYamlDocuments(result.stdout);
      const translator = docs.find((d) => d.kind === 'Deployment' && field(d, 'metadata.name') === 'translator')!;
      const [container] = containersOf(translator);
      const gpus = (container?.resources as Yaml | undefined)?.limits as Yaml | undefined;
      const config = docs.find((d) => d.kind === 'ConfigMap' && String(field(d, 'metadata.name')).startsWith('translator-config-'))!;
      if (overlay === 'gpu') {
        assert.equal(container?.image, 'sim2real/translator-gpu:0.1.0');
        assert.equal(gpus?.['nvidia.com/gpu'], 1);
        assert.equal(field(config, 'data.TFJS_BACKEND'), 'tensorflow-gpu');
      } else {
        assert.equal(container?.image, 'sim2real/translator:0.1.0');
        assert.equal(gpus?.['nvidia.com/gpu'], undefined);
        assert.equal(field(config, 'data.TFJS_BACKEND'), 'tensorflow');
      }
      for (const doc of docs.filter((d) => d.kind !== 'Namespace')) assert.equal(field(doc, 'metadata.namespace'), 'sim2real');
    });
  }
});

void describe('environment variables', () => {
  void it('finds env.NAME, env["NAME"], exported *_ENV tables and env-reading helpers', () => {
    const source = [
      "const port = process.env.PORT ?? env?.HOST;",
      "const a = env['SIM2REAL_A'];",
      "export const SERVER_ENV = { registryDir: 'REGISTRY_DIR', backend: 'TFJS_BACKEND' } as const;",
      "const number = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);",
      "const b = number('SIM2REAL_B');",
      "const SETTINGS = [{ key: 'caFile', flag: 'translator-ca', env: 'SIM2REAL_C', help: 'CA' }];",
      "process.once('SIGTERM', stop);",
    ].join('\n');
    assert.deepEqual(
      [...envNamesInSource(source)].sort(),
      ['HOST', 'PORT', 'REGISTRY_DIR', 'SIM2REAL_A', 'SIM2REAL_B', 'SIM2REAL_C', 'TFJS_BACKEND'],
    );
  });

  void it('flags a variable that the service does not read', () => {
    const read = envReadByImage('sim2real/translator');
    assert.ok(read.has('PORT') && read.has('REGISTRY_DIR'), `translator reads ${[...read].join(', ')}`);
    assert.deepEqual(unreadEnv(['PORT', 'NODE_ENV', 'TRANSLATOR_PORT'], read), ['TRANSLATOR_PORT']);
  });

  for (const [name, service] of ourComposeServices) {
    void it(`compose ${name}: sets only variables ${String(service.image)} reads`, () => {
      assert.deepEqual(unreadEnv(Object.keys(composeEnv(name)), envReadByImage(String(service.image))), []);
    });
  }

  for (const [name, tree] of trees) {
    void it(`k8s ${name}: ConfigMaps and env set only variables the containers read`, () => {
      const containers = ourContainers(tree);
      assert.ok(containers.length >= (name === 'example' ? 3 : 2));
      for (const container of containers) {
        const unread = unreadEnv(containerEnv(tree, container).keys(), envReadByImage(String(container.image)));
        assert.deepEqual(unread, [], `container ${String(container.name)}`);
      }
    });
  }

  void it('k8s: every generated ConfigMap is loaded by a container', () => {
    const tree = trees.get('base')!;
    const loaded = new Set(
      workloads(tree)
        .flatMap(containersOf)
        .flatMap((c) => ((c.envFrom as Yaml[] | undefined) ?? []).map((s) => String(field(s, 'configMapRef.name')))),
    );
    const volumes = workloads(tree).flatMap((w) => (field(w, 'spec.template.spec.volumes') as Yaml[] | undefined) ?? []);
    for (const volume of volumes) if (volume.configMap) loaded.add(String(field(volume, 'configMap.name')));
    assert.deepEqual([...tree.configMaps.keys()].filter((n) => !loaded.has(n)), []);
  });

  for (const target of Object.keys(IMAGE_SOURCES).map((image) => image.slice('sim2real/'.length))) {
    void it(`Dockerfile ${target}: ENV sets only variables the program reads`, () => {
      assert.deepEqual(unreadEnv(dockerEnvNames(stages, target), envReadByImage(`sim2real/${target}`)), []);
    });
  }
});

void describe('ports and addresses', () => {
  void it('translator: Dockerfile, compose and Kubernetes agree with the port the server listens on', async () => {
    // Loaded here, not at the top: only this test needs the translator (and TensorFlow.js) to load.
    const { resolveServerConfig } = await import('@sim2real/translator');
    const translatorPort = (configured: string | undefined): number =>
      resolveServerConfig({ registryDir: tmpdir(), port: configured === undefined ? undefined : Number(configured) }).port;
    const composePort = translatorPort(composeEnv('translator').PORT);
    const published = (composeServices.translator?.ports as string[]).map((p) => Number(p.split(':').at(-1)));
    assert.ok(published.includes(composePort), `compose publishes ${published.join(', ')}, server on ${composePort}`);
    for (const target of ['translator', 'translator-gpu']) {
      const chain = stageChain(stages, target);
      const expected = translatorPort(undefined);
      assert.ok(chain.some((i) => i.keyword === 'EXPOSE' && i.args === String(expected)), `${target} EXPOSE ${expected}`);
      const health = chain.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
      assert.match(health?.args ?? '', new RegExp(`grpc-health-probe\\.mjs", "127\\.0\\.0\\.1:${expected}"`));
    }
    for (const [name, tree] of trees) {
      const deployment = manifest(tree, 'Deployment', 'translator');
      const [container] = containersOf(deployment);
      const port = translatorPort(containerEnv(tree, container!).get('PORT'));
      const ports = container!.ports as Yaml[];
      assert.deepEqual(ports.filter((p) => p.name === 'grpc').map((p) => p.containerPort), [port], name);
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const command = field(container, `${probe}.exec.command`) as string[];
        assert.deepEqual(command.slice(0, 3), ['node', 'deploy/docker/grpc-health-probe.mjs', `127.0.0.1:${port}`], `${name} ${probe} is a gRPC health check on ${port}`);
      }
      const service = manifest(tree, 'Service', 'translator');
      assert.equal(field(service, 'spec.clusterIP'), 'None', 'headless, for client-side load balancing');
      const servicePort = (field(service, 'spec.ports') as Yaml[])[0]!;
      assert.equal(servicePort.targetPort, 'grpc');
      assert.equal(servicePort.port, port);
    }
    const adapterTranslator = trees.get('base')!.configMaps.get('dataset-adapter-config')!.get('SIM2REAL_TRANSLATOR')!;
    assert.match(adapterTranslator, new RegExp(`^translator\\.sim2real\\.svc\\.cluster\\.local:${translatorPort(undefined)}$`));
    assert.equal(composeEnv('dataset-adapter').SIM2REAL_TRANSLATOR, `translator:${composePort}`);
  });

  void it('OTLP endpoints point at the collector\'s OTLP/HTTP receiver', () => {
    const composeCollector = readYaml(deployPath('otel', 'collector.yaml'));
    const httpPort = Number(String(field(composeCollector, 'receivers.otlp.protocols.http.endpoint')).split(':').at(-1));
    for (const [name] of ourComposeServices) {
      const endpoint = composeEnv(name).OTEL_EXPORTER_OTLP_ENDPOINT;
      if (endpoint !== undefined) assert.equal(endpoint, `http://otel-collector:${httpPort}`, name);
    }
    const tree = trees.get('base')!;
    const k8sCollector = readYaml(deployPath('k8s', 'base', 'otel-collector', 'collector.yaml'));
    const k8sHttpPort = Number(String(field(k8sCollector, 'receivers.otlp.protocols.http.endpoint')).split(':').at(-1));
    const service = manifest(tree, 'Service', 'otel-collector');
    assert.ok((field(service, 'spec.ports') as Yaml[]).some((p) => p.port === k8sHttpPort));
    for (const [configMap, vars] of tree.configMaps) {
      const endpoint = vars.get('OTEL_EXPORTER_OTLP_ENDPOINT');
      if (endpoint !== undefined) assert.equal(endpoint, `http://otel-collector.sim2real.svc.cluster.local:${k8sHttpPort}`, configMap);
    }
  });

  void it('NATS URLs and the KEDA monitoring endpoint match the NATS server configurations', () => {
    const conf = readText(deployPath('nats', 'nats.conf'));
    const clientPort = Number(/^port:\s*(\d+)/m.exec(conf)?.[1]);
    for (const [name] of ourComposeServices) {
      const url = composeEnv(name).NATS_URL;
      if (url !== undefined) assert.equal(url, `nats://nats:${clientPort}`, name);
    }
    const release = String(field(natsValues, 'fullnameOverride'));
    for (const [configMap, vars] of trees.get('base')!.configMaps) {
      const url = vars.get('NATS_URL');
      if (url !== undefined) assert.equal(url, `nats://${release}.nats.svc.cluster.local:4222`, configMap);
    }
    const monitorPort = field(natsValues, 'config.monitor.port');
    const scaled = manifest(trees.get('base')!, 'ScaledObject', 'dataset-adapter');
    for (const trigger of field(scaled, 'spec.triggers') as Yaml[]) {
      assert.equal(field(trigger, 'metadata.natsServerMonitoringEndpoint'), `${release}-headless.nats.svc.cluster.local:${String(monitorPort)}`);
    }
  });
});

void describe('NATS names and durability', () => {
  const routes = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean).map((r) => r.split('=')[0]!);

  void it('the KEDA triggers watch the adapter\'s durable consumer of every routed dataset', () => {
    const tree = trees.get('base')!;
    const datasets = routes(tree.configMaps.get('dataset-adapter-config')!.get('SIM2REAL_ROUTES') ?? '');
    assert.ok(datasets.length > 0);
    const scaled = manifest(tree, 'ScaledObject', 'dataset-adapter');
    assert.equal(field(scaled, 'spec.scaleTargetRef.name'), field(manifest(tree, 'Deployment', 'dataset-adapter'), 'metadata.name'));
    const triggers = field(scaled, 'spec.triggers') as Yaml[];
    assert.deepEqual(
      triggers.map((t) => [t.type, field(t, 'metadata.stream'), field(t, 'metadata.consumer')]),
      datasets.map((d) => ['nats-jetstream', SYNTHETIC_STREAM, consumerName(d)]),
    );
  });

  void it('compose publishes to a dataset the adapter routes', () => {
    const command = composeServices.publisher?.command as string[];
    const dataset = command[command.indexOf('--dataset') + 1]!;
    assert.ok(routes(composeEnv('dataset-adapter').SIM2REAL_ROUTES ?? '').includes(dataset));
  });

  void it('JetStream fsyncs every write, and streams are replicated across the three-node cluster', () => {
    assert.match(readText(deployPath('nats', 'nats.conf')), /^\s*sync_interval:\s*always\s*$/m);
    assert.equal(field(natsValues, 'config.jetstream.merge.sync_interval'), 'always');
    assert.equal(field(natsValues, 'config.cluster.replicas'), 3);
    assert.equal(field(natsValues, 'config.jetstream.fileStore.pvc.enabled'), true);
    assert.equal(trees.get('base')!.configMaps.get('dataset-adapter-config')!.get('SIM2REAL_STREAM_REPLICAS'), '3');
    assert.match(String(composeServices.nats?.image), /^nats:2\.(1\d|[2-9]\d)/, 'sync_interval needs nats-server >= 2.10');
  });

  const version = /v(\d+)\.(\d+)/.exec(spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout ?? '');
  const recent = version !== null && (Number(version[1]) > 2 || Number(version[2]) >= 10);
  void it('nats.conf passes nats-server -t', { skip: !recent && `nats-server >= 2.10 is not installed (found ${version?.[0] ?? 'none'}; 2.9 has no sync_interval)` }, () => {
    const result = spawnSync('nats-server', ['-t', '-c', deployPath('nats', 'nats.conf')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
});

void describe('secure by default', () => {
  /** The file a compose service sees at `/run/secrets/<target>`, as the name of a top-level secret; undefined when it has none there. */
  const composeSecret = (service: string, file: string | undefined): string | undefined => {
    const entries = (composeServices[service]?.secrets as (string | { source: string; target?: string })[] | undefined) ?? [];
    for (const entry of entries) {
      const { source, target } = typeof entry === 'string' ? { source: entry, target: entry } : { source: entry.source, target: entry.target ?? entry.source };
      if (file === `/run/secrets/${target}`) return source;
    }
    return undefined;
  };
  const topSecrets = field(compose, 'secrets') as Record<string, { file: string }>;

  void it('compose: every secret is a file make-secrets.mjs writes into deploy/secrets/', () => {
    for (const [name, secret] of Object.entries(topSecrets)) {
      assert.ok(isMadeSecret(path.resolve(DEPLOY_DIR, secret.file)), `secret ${name}: make-secrets.mjs does not write ${secret.file}`);
    }
  });

  void it('compose: the translator has tokens and TLS, its health check speaks TLS, the adapter trusts its CA with its own token', () => {
    const translator = composeEnv('translator');
    assert.equal(translator.SIM2REAL_INSECURE, undefined);
    for (const variable of ['SIM2REAL_AUTH_TOKENS', 'SIM2REAL_TLS_CERT', 'SIM2REAL_TLS_KEY']) {
      assert.ok(composeSecret('translator', translator[variable]), `translator ${variable}=${translator[variable]} is not one of its secrets`);
    }
    const health = field(composeServices.translator, 'healthcheck.test') as string[];
    assert.ok(health.includes('deploy/docker/grpc-health-probe.mjs') && composeSecret('translator', health.at(-1)) === 'ca.pem', `health check ${health.join(' ')}`);
    const adapter = composeEnv('dataset-adapter');
    assert.equal(composeSecret('dataset-adapter', adapter.SIM2REAL_TRANSLATOR_CA), 'ca.pem');
    assert.equal(composeSecret('dataset-adapter', adapter.SIM2REAL_TOKEN_FILE), 'adapter.token');
  });

  void it("compose: Prometheus scrapes the translator over HTTPS with the CA and a token among its secrets", () => {
    const jobs = field(readYaml(deployPath('prometheus', 'prometheus.yml')), 'scrape_configs') as Yaml[];
    const translatorJob = jobs.find((job) => (field(job, 'static_configs') as Yaml[]).some((c) => (field(c, 'targets') as string[]).some((t) => t.startsWith('translator:'))));
    assert.ok(translatorJob, 'a job scrapes the translator');
    assert.equal(field(translatorJob, 'scheme'), 'https');
    assert.equal(composeSecret('prometheus', field(translatorJob, 'tls_config.ca_file') as string), 'ca.pem');
    assert.equal(composeSecret('prometheus', field(translatorJob, 'authorization.credentials_file') as string), 'prometheus.token');
  });

  void it('make-secrets.mjs gives the adapter a translate-only token', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim2real-secrets-roles-'));
    try {
      spawnSync(process.execPath, [deployPath('make-secrets.mjs'), path.join(dir, 's')], { stdio: 'ignore' });
      const tokens = JSON.parse(readText(path.join(dir, 's', 'tokens.json'))) as { name: string; roles: string[] }[];
      assert.deepEqual(tokens.find((t) => t.name === 'adapter')?.roles, ['translate']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('compose: NATS runs with accounts, every NATS client has its own NKey, every port is on 127.0.0.1', () => {
    assert.deepEqual(composeServices.nats?.command, ['--config', '/etc/nats/nats.secure.conf']);
    const nkeys = new Map<string, string>();
    for (const [name, service] of Object.entries(composeServices)) {
      const env = composeEnv(name);
      if (env.NATS_URL !== undefined) {
        const seed = composeSecret(name, env.SIM2REAL_NATS_NKEY);
        assert.match(seed ?? '', /\.nk$/, `${name} has no NKey seed among its secrets`);
        assert.ok(!nkeys.has(seed!), `${name} shares the NKey ${seed!} with ${nkeys.get(seed!)}`);
        nkeys.set(seed!, name);
      }
      for (const port of (service.ports as string[] | undefined) ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`);
    }
    assert.equal(nkeys.size, 3, 'adapter, regressor and publisher');
  });

  void it('k8s: the translator reads tokens and TLS from mounted Secrets and probes over TLS; the adapter reads the CA and its token', () => {
    const tree = trees.get('base')!;
    /** The Secret and key a container sees at `file`, through its volume mounts. */
    const mountedSecret = (workload: string, file: string | undefined): string | undefined => {
      const deployment = manifest(tree, 'Deployment', workload);
      const [container] = containersOf(deployment);
      const mount = ((container!.volumeMounts as { name: string; mountPath: string }[] | undefined) ?? []).find((m) => file?.startsWith(`${m.mountPath}/`));
      if (!mount || file === undefined) return undefined;
      const volume = (field(deployment, 'spec.template.spec.volumes') as Yaml[]).find((v) => v.name === mount.name);
      const secret = volume?.secret as { secretName: string; items?: { key: string; path: string }[] } | undefined;
      if (!secret) return undefined;
      const relative = file.slice(mount.mountPath.length + 1);
      const key = secret.items ? secret.items.find((i) => i.path === relative)?.key : relative;
      return key === undefined ? undefined : `${secret.secretName}/${key}`;
    };
    const translator = tree.configMaps.get('translator-config')!;
    assert.equal(translator.get('SIM2REAL_INSECURE'), undefined);
    assert.equal(mountedSecret('translator', translator.get('SIM2REAL_AUTH_TOKENS')), 'translator-tokens/tokens.json');
    assert.equal(mountedSecret('translator', translator.get('SIM2REAL_TLS_CERT')), 'translator-tls/tls.crt');
    assert.equal(mountedSecret('translator', translator.get('SIM2REAL_TLS_KEY')), 'translator-tls/tls.key');
    const [container] = containersOf(manifest(tree, 'Deployment', 'translator'));
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      assert.equal(mountedSecret('translator', (field(container, `${probe}.exec.command`) as string[]).at(-1)), 'translator-tls/ca.crt', probe);
    }
    const adapter = tree.configMaps.get('dataset-adapter-config')!;
    assert.equal(mountedSecret('dataset-adapter', adapter.get('SIM2REAL_TRANSLATOR_CA')), 'translator-tls/ca.crt');
    assert.equal(mountedSecret('dataset-adapter', adapter.get('SIM2REAL_TOKEN_FILE')), 'dataset-adapter-token/token');
    assert.equal(mountedSecret('dataset-adapter', '/run/secrets/sim2real/translator-ca/tls.key'), undefined, 'the adapter does not see the translator key');
  });
});

void describe('images', () => {
  const targets = new Set(stages.map((s) => s.name));

  void it('every sim2real image is sim2real/<Dockerfile target>, with one tag everywhere', () => {
    const images = [
      ...ourComposeServices.map(([, s]) => String(s.image)),
      ...[...trees.values()].flatMap(ourContainers).map((c) => String(c.image)),
    ];
    const gpuOverlay = readYaml(deployPath('k8s', 'overlays', 'gpu', 'kustomization.yaml'));
    for (const entry of field(gpuOverlay, 'images') as { newName?: string; newTag?: string }[]) {
      if (entry.newName) images.push(`${entry.newName}:${entry.newTag ?? 'latest'}`);
    }
    const tags = new Set<string>();
    for (const image of images) {
      const { name, tag } = splitImage(image);
      assert.ok(name.startsWith('sim2real/') && targets.has(name.slice('sim2real/'.length)), `${image} has no Dockerfile target`);
      tags.add(tag);
    }
    assert.deepEqual([...tags], ['0.1.0']);
  });

  void it('compose builds each image from the target of the same name', () => {
    for (const [name, service] of ourComposeServices) {
      assert.equal(`sim2real/${String(field(service, 'build.target'))}`, splitImage(String(service.image)).name, name);
      assert.equal(field(service, 'build.dockerfile'), 'deploy/docker/Dockerfile');
      assert.equal(path.resolve(DEPLOY_DIR, String(field(service, 'build.context'))), REPO_DIR);
    }
  });

  void it('third-party images are pinned to a version', () => {
    const external = [
      ...Object.values(composeServices).map((s) => String(s.image)),
      ...[...trees.values()].flatMap((t) => workloads(t).flatMap(containersOf)).map((c) => String(c.image)),
    ].filter((i) => !i.startsWith('sim2real/'));
    for (const image of external) assert.match(splitImage(image).tag, /^v?\d+\.\d+/, image);
  });
});

void describe('Dockerfile', () => {
  void it('has no diagnostics from dockerfile-utils', () => {
    const problems = validate(dockerfileText).map((d) => `line ${d.range.start.line + 1}: ${JSON.stringify(d.message)}`);
    assert.deepEqual(problems, []);
  });

  for (const target of Object.keys(IMAGE_SOURCES).map((i) => i.slice('sim2real/'.length))) {
    void it(`${target}: runs an existing entry point as a non-root user, with a health check decision`, () => {
      const chain = stageChain(stages, target);
      const user = chain.filter((i) => i.keyword === 'USER').at(-1)?.args;
      assert.ok(user !== undefined && user !== 'root' && user !== '0', `${target} runs as ${user ?? 'root'}`);
      assert.ok(chain.some((i) => i.keyword === 'HEALTHCHECK'), `${target} states a HEALTHCHECK (or NONE)`);
      const entry = chain.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT').flatMap((i) => JSON.parse(i.args) as string[]);
      const file = entry.find((arg) => /\.(ts|js|mjs)$/.test(arg));
      assert.ok(file && existsSync(path.join(REPO_DIR, file)), `${target} starts ${file ?? '(nothing)'}, which does not exist`);
    });
  }

  void it('the GPU image carries the CUDA and cuDNN that the locked @tensorflow/tfjs-node-gpu was built for', () => {
    // tfjs-node README (GPU support) and TensorFlow's tested build configurations: libtensorflow 2.9.1 = CUDA 11.2, cuDNN 8.1.
    const builtFor: Record<string, { cuda: string; cudnn: string }> = { '4.22.0': { cuda: '11.2', cudnn: '8' } };
    const lock = JSON.parse(readText(path.join(REPO_DIR, 'package-lock.json'))) as { packages: Record<string, { version?: string }> };
    const locked = lock.packages['node_modules/@tensorflow/tfjs-node-gpu']?.version;
    const wanted = locked === undefined ? undefined : builtFor[locked];
    assert.ok(wanted, `add the CUDA/cuDNN of @tensorflow/tfjs-node-gpu ${locked ?? '(not locked)'} to this table`);
    const cudaArg = /^ARG CUDA_IMAGE=(\S+)$/m.exec(dockerfileText)?.[1] ?? '';
    assert.match(cudaArg, new RegExp(`^nvidia/cuda:${wanted.cuda.replace('.', '\\.')}\\.\\d+-cudnn${wanted.cudnn}-runtime-`));
    assert.equal(stages.find((s) => s.name === 'translator-gpu')?.from, '${CUDA_IMAGE}');
  });

  void it('the .dockerignore keeps the files the Dockerfile copies from deploy/', () => {
    const ignore = readText(deployPath('docker', 'Dockerfile.dockerignore'));
    const copied = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'COPY' && i.args.startsWith('deploy/'));
    assert.ok(copied.length > 0);
    for (const { args } of copied) assert.ok(ignore.includes(`!${args.split(/\s+/)[0]!}`), `${args} is ignored by the build context`);
  });
});

void describe('gRPC health probe (deploy/docker/grpc-health-probe.mjs)', () => {
  async function probeAgainst(status: ServingStatus): Promise<number | null> {
    const server = new grpc.Server();
    new HealthImplementation({ '': status }).addToServer(server);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    try {
      const child = spawn(process.execPath, [deployPath('docker', 'grpc-health-probe.mjs'), `127.0.0.1:${port}`, '', '5000'], { stdio: 'ignore' });
      return await new Promise<number | null>((resolve) => child.on('exit', resolve));
    } finally {
      server.forceShutdown();
    }
  }

  void it('exits 0 on SERVING and 1 on NOT_SERVING', async () => {
    assert.equal(await probeAgainst('SERVING'), 0);
    assert.equal(await probeAgainst('NOT_SERVING'), 1);
  });
});

void describe('offline linters', () => {
  const yamllint = hasCommand('yamllint');
  void it('yamllint passes on every YAML file', { skip: !yamllint && 'yamllint is not installed (apt-get install yamllint)' }, () => {
    const result = spawnSync('yamllint', ['-c', deployPath('.yamllint.yaml'), '-f', 'parsable', DEPLOY_DIR], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  const composeV1 = hasCommand('docker-compose', ['version']);
  void it('docker-compose validates compose.yaml', { skip: !composeV1 && 'docker-compose is not installed (apt-get install docker-compose)' }, () => {
    // Debian's docker-compose 1.29 predates the top-level `name` key of the Compose specification: validate the rest.
    const dir = mkdtempSync(path.join(tmpdir(), 'sim2real-compose-'));
    try {
      const text = readText(deployPath('compose.yaml')).replace(/^name: .*$/m, '');
      const file = path.join(dir, 'compose.yaml');
      writeFileSync(file, text);
      const result = spawnSync('docker-compose', ['-f', file, '--project-directory', DEPLOY_DIR, 'config', '-q'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
