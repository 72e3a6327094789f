/*
 * Holds deploy/'s metrics and clean-clone promises to the code: every bind mount of compose.yaml exists in a fresh
 * clone, Prometheus scrapes the ports the services serve /metrics on, the Grafana dashboard queries metrics the code
 * creates, Kubernetes scrape annotations point at served ports, and the images run the current Node LTS.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  DEPLOY_DIR,
  REPO_DIR,
  containersOf,
  deployPath,
  field,
  isMadeSecret,
  manifestsOf,
  parseDockerfile,
  parseYamlDocuments,
  readKustomization,
  readText,
  readYaml,
  type Yaml,
} from './repo.js';

const compose = readYaml(deployPath('compose.yaml'));
const services = field(compose, 'services') as Record<string, Yaml>;
const namedVolumes = new Set(Object.keys((compose.volumes as Yaml | null | undefined) ?? {}));

/** `${VAR:-default}` → default (the value on a machine that sets nothing); plain text unchanged. */
function withDefaults(text: string): string {
  return text.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? '');
}

/** The host side of each short-syntax volume of a service, defaults applied. */
function volumeSources(service: Yaml): string[] {
  return ((service.volumes as string[] | undefined) ?? []).map((v) => withDefaults(v).split(':')[0]!);
}

const isPath = (source: string): boolean => source.startsWith('.') || source.startsWith('/') || source.startsWith('~');

/** Metric names the code creates (`meter.createX('name'` or the semantic-conventions constant), as Prometheus names. */
function metricNamesInCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'test') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = readText(full);
        for (const m of text.matchAll(/\.create(?:Counter|UpDownCounter|Histogram|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\(\s*(?:'([^']+)'|(METRIC_RPC_SERVER_CALL_DURATION))/g)) {
          names.add((m[1] ?? 'rpc.server.call.duration').replace(/[^a-zA-Z0-9_]/g, '_'));
        }
      }
    }
  };
  for (const root of ['packages', 'services']) walk(path.join(REPO_DIR, root));
  return names;
}

/** Prometheus series names in PromQL text (ours: sim2real_* and rpc_*), without the histogram and counter suffixes. */
function metricNamesInQuery(expr: string): string[] {
  // Label names sit in `by (...)` / `without (...)` clauses and `{...}` matchers: drop those first.
  const series = expr.replace(/\b(?:by|without)\s*\([^)]*\)/g, '').replace(/\{[^}]*\}/g, '');
  return [...series.matchAll(/\b((?:sim2real|rpc)_[a-z0-9_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|sum|count|total)$/, ''));
}

void describe('compose from a clean clone', () => {
  void it('every bind mount is a path inside the repository that exists (or a secret make-secrets.mjs writes); other volumes are declared', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const source of volumeSources(service)) {
        if (isPath(source)) {
          const resolved = path.resolve(DEPLOY_DIR, source);
          assert.ok(resolved.startsWith(`${REPO_DIR}${path.sep}`), `${name} mounts ${source}, outside the repository`);
          assert.ok(existsSync(resolved) || isMadeSecret(resolved), `${name} mounts ${source}, which neither a clean clone nor make-secrets.mjs has`);
        } else {
          assert.ok(namedVolumes.has(source), `${name} uses volume ${source}, which compose.yaml does not declare`);
        }
      }
    }
  });

  void it('model-init trains on the faces faces-init renders into a volume', () => {
    assert.match(String((services['faces-init']?.command as string[])[0]), /sim2real\.js render faces .*--out \/faces\/sim.*render faces .*--out \/faces\/real/);
    assert.ok(volumeSources(services['faces-init']!).includes('faces'));
    assert.ok(volumeSources(services['model-init']!).includes('faces'));
    assert.match(String((services['model-init']?.command as string[])[0]), /--source \/faces\/sim --target \/faces\/real/);
    assert.equal(field(services['model-init'], 'depends_on.faces-init.condition'), 'service_completed_successfully');
  });

  const composeV1 = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  void it('docker-compose config resolves with nothing set, and every bind mount it resolves exists', { skip: !composeV1 && 'docker-compose is not installed (apt-get install docker-compose)' }, () => {
    // Debian's docker-compose 1.29 predates the top-level `name` key of the Compose specification: validate the rest.
    const dir = mkdtempSync(path.join(tmpdir(), 'sim2real-compose-'));
    try {
      const file = path.join(dir, 'compose.yaml');
      writeFileSync(file, readText(deployPath('compose.yaml')).replace(/^name: .*$/m, ''));
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SIM2REAL_')));
      const result = spawnSync('docker-compose', ['-f', file, '--project-directory', DEPLOY_DIR, 'config'], { encoding: 'utf8', env });
      assert.equal(result.status, 0, result.stderr);
      const resolved = parseYamlDocuments(result.stdout)[0]!;
      let binds = 0;
      for (const [name, service] of Object.entries(field(resolved, 'services') as Record<string, Yaml>)) {
        for (const volume of (service.volumes as (string | Yaml)[] | undefined) ?? []) {
          const source = typeof volume === 'string' ? volume.split(':')[0]! : String(volume.source);
          const bind = typeof volume === 'string' ? isPath(source) : volume.type === 'bind';
          if (!bind) continue;
          binds += 1;
          assert.ok(existsSync(source) || isMadeSecret(source), `${name}: docker-compose resolves a bind mount of ${source}, which does not exist`);
        }
      }
      assert.ok(binds >= 4, `${binds} bind mounts checked`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

void describe('metrics', () => {
  const inCode = metricNamesInCode();

  void it('the Grafana dashboard queries only metrics the code creates, for the translator and the adapter', () => {
    const dashboard = JSON.parse(readText(deployPath('grafana', 'dashboards', 'sim2real.json'))) as { panels: { targets?: { expr: string }[] }[] };
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => metricNamesInQuery(t.expr)));
    assert.ok(inCode.has('rpc_server_call_duration') && inCode.has('sim2real_translator_images'), [...inCode].join(', '));
    assert.deepEqual([...queried].filter((n) => !inCode.has(n)), []);
    assert.ok([...queried].some((n) => n.startsWith('sim2real_translator_')) && [...queried].some((n) => n.startsWith('sim2real_adapter_')));
    assert.equal(field(readYaml(deployPath('grafana', 'provisioning', 'datasources', 'prometheus.yaml')), 'datasources')?.constructor, Array);
  });

  void it('Prometheus scrapes each service on the port it serves /metrics on (SIM2REAL_HTTP_PORT)', () => {
    const targets = (field(readYaml(deployPath('prometheus', 'prometheus.yml')), 'scrape_configs') as Yaml[]).flatMap((c) =>
      (c.static_configs as Yaml[]).flatMap((s) => s.targets as string[]),
    );
    for (const service of ['translator', 'dataset-adapter', 'face-regressor']) {
      const port = (services[service]?.environment as Record<string, string>).SIM2REAL_HTTP_PORT;
      assert.ok(port, `${service} sets SIM2REAL_HTTP_PORT`);
      assert.ok(targets.includes(`${service}:${port}`), `prometheus scrapes ${service}:${port}`);
    }
    const collectorPort = String(field(readYaml(deployPath('otel', 'collector.yaml')), 'exporters.prometheus.endpoint')).split(':').at(-1);
    assert.ok(targets.includes(`otel-collector:${collectorPort}`));
    for (const volume of volumeSources(services.prometheus!).concat(volumeSources(services.grafana!))) {
      if (isPath(volume)) assert.ok(existsSync(path.resolve(DEPLOY_DIR, volume)), volume);
    }
  });

  void it('Kubernetes: every scrape annotation names a port the pod declares, and our services serve /metrics on it', () => {
    // The example overlay: the base (translator, adapter, collector) plus the demo regressor Job.
    const tree = readKustomization(deployPath('k8s', 'overlays', 'example'));
    const annotationsOf = (m: Yaml): Record<string, string> | undefined => {
      const metadata = ((m.spec as Yaml | undefined)?.template as Yaml | undefined)?.metadata as Yaml | undefined;
      return metadata?.annotations as Record<string, string> | undefined;
    };
    const annotated = manifestsOf(tree).filter((m) => annotationsOf(m) !== undefined);
    assert.deepEqual(annotated.map((m) => field(m, 'metadata.name')).sort(), ['dataset-adapter', 'face-regressor', 'otel-collector', 'translator']);
    for (const workload of annotated) {
      const annotations = annotationsOf(workload)!;
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      const port = Number(annotations['prometheus.io/port']);
      const ports = containersOf(workload).flatMap((c) => ((c.ports as Yaml[] | undefined) ?? []).map((p) => Number(p.containerPort)));
      assert.ok(ports.includes(port), `${String(field(workload, 'metadata.name'))} declares port ${port}`);
      for (const container of containersOf(workload).filter((c) => String(c.image).startsWith('sim2real/'))) {
        const config = String(field((container.envFrom as Yaml[])[0], 'configMapRef.name'));
        assert.equal(tree.configMaps.get(config)?.get('SIM2REAL_HTTP_PORT'), String(port), `${config} SIM2REAL_HTTP_PORT`);
      }
    }
    const collector = readYaml(deployPath('k8s', 'base', 'otel-collector', 'collector.yaml'));
    assert.ok(!readText(deployPath('k8s', 'base', 'kustomization.yaml')).includes('face-regressor'), 'the demo Job is not in the base');
    assert.deepEqual(field(collector, 'service.pipelines.metrics.exporters'), ['prometheus'], 'metrics go to a store (Prometheus), not to Jaeger');
    assert.equal(String(field(collector, 'exporters.prometheus.endpoint')).split(':').at(-1), '8889');
  });
});

void describe('base images', () => {
  void it('run Node 24 LTS', () => {
    const stages = parseDockerfile(readText(deployPath('docker', 'Dockerfile')));
    assert.ok(stages.length > 0);
    assert.match(readText(deployPath('docker', 'Dockerfile')), /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
  });
});
