/*
 * Reads the deploy files and the facts of the code they must agree with: the environment variables each
 * service reads (found statically in its src/), its Dockerfile stages, the kustomize trees.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = path.resolve(DEPLOY_DIR, '..');

export const deployPath = (...parts: string[]): string => path.join(DEPLOY_DIR, ...parts);
export const readText = (file: string): string => readFileSync(file, 'utf8');

/** Where `node deploy/make-secrets.mjs` writes the secrets (ignored by git: a clean clone does not have it). */
export const SECRETS_DIR = deployPath('secrets');

let madeSecrets: Set<string> | undefined;
/** The names of the files make-secrets.mjs writes, from one run into a temporary folder (needs openssl). */
export function madeSecretFiles(): Set<string> {
  if (madeSecrets) return madeSecrets;
  const dir = mkdtempSync(path.join(tmpdir(), 'sim2real-secrets-'));
  try {
    execFileSync(process.execPath, [deployPath('make-secrets.mjs'), path.join(dir, 'secrets')], { stdio: 'ignore' });
    madeSecrets = new Set(readdirSync(path.join(dir, 'secrets')));
    return madeSecrets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `file` (absolute) is in deploy/secrets/ and make-secrets.mjs writes it. */
export const isMadeSecret = (file: string): boolean => path.dirname(file) === SECRETS_DIR && madeSecretFiles().has(path.basename(file));

/** A YAML mapping as parsed; manifests are walked with `field()` so that a missing key fails with its path. */
export type Yaml = Record<string, unknown>;

/** One YAML document (merge keys `<<:` resolved, as docker compose does). */
export function readYaml(file: string): Yaml {
  return parse(readText(file), { merge: true }) as Yaml;
}

/** Every non-empty document of a multi-document YAML text. */
export function parseYamlDocuments(text: string): Yaml[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Yaml | null)
    .filter((doc): doc is Yaml => doc !== null);
}

/** `obj.a.b.c` with an error naming the path when a step is missing. */
export function field(obj: unknown, dotted: string): unknown {
  let value = obj;
  for (const key of dotted.split('.')) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw new Error(`missing field ${dotted} (at ${key})`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Parses KEY=VALUE lines (kustomize `envs:` files); comments and blank lines skipped. */
export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=VALUE: "${trimmed}"`);
    env.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return env;
}

// ---- environment variables read by the code ---------------------------------------------------------------------

const ENV_NAME = '[A-Z][A-Z0-9_]*';
/** `env.NAME`, `env?.NAME`, `process.env.NAME`. */
const PROPERTY_READ = new RegExp(`\\benv\\??\\.(${ENV_NAME})\\b`, 'g');
/** `env['NAME']`, `env["NAME"]`. */
const INDEX_READ = new RegExp(`\\benv\\[\\s*(['"])(${ENV_NAME})\\1\\s*\\]`, 'g');
/** An exported table of variable names: `export const SERVER_ENV = { port: 'PORT', ... }`. */
const ENV_TABLE = /export const \w*ENV\w*\s*=\s*\{([^}]*)\}/g;
const TABLE_VALUE = new RegExp(`:\\s*(['"])(${ENV_NAME})\\1`, 'g');
/** A setting declared in a table with its variable: `{ key: 'caFile', flag: 'translator-ca', env: 'SIM2REAL_TRANSLATOR_CA', ... }`. */
const SETTING_ENV = new RegExp(`\\benv:\\s*(['"])(${ENV_NAME})\\1`, 'g');
/** A local helper that reads the variable named by its first parameter: `const num = (name) => env[name] ...`. */
const ENV_HELPER = /(?:const|function)\s+(\w+)\s*=?\s*\(\s*(\w+)\b[^)]*\)[^\n]*?\benv\[\s*\2\s*\]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}generated${path.sep}`));
}

/** The environment variable names a TypeScript source text reads. */
export function envNamesInSource(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(PROPERTY_READ)) names.add(match[1]!);
  for (const match of text.matchAll(INDEX_READ)) names.add(match[2]!);
  for (const match of text.matchAll(SETTING_ENV)) names.add(match[2]!);
  for (const table of text.matchAll(ENV_TABLE)) {
    for (const match of table[1]!.matchAll(TABLE_VALUE)) names.add(match[2]!);
  }
  for (const helper of text.matchAll(ENV_HELPER)) {
    const call = new RegExp(`\\b${helper[1]!}\\(\\s*(['"])(${ENV_NAME})\\1`, 'g');
    for (const match of text.matchAll(call)) names.add(match[2]!);
  }
  return names;
}

/** Package helpers that read variables for their caller, and the source declaring which. */
const ENV_HELPER_SOURCES: Readonly<Record<string, string>> = {
  // The standard OTEL_* variables.
  'telemetryOptionsFromEnv(': path.join(REPO_DIR, 'packages', 'telemetry', 'src', 'config.ts'),
  // SIM2REAL_NATS_* (NATS_AUTH_SETTINGS).
  'natsAuthFromEnv(': path.join(REPO_DIR, 'packages', 'messaging', 'src', 'connect.ts'),
  // A flag table built from NATS_AUTH_SETTINGS: each flag falls back to its SIM2REAL_NATS_* variable.
  'NATS_AUTH_SETTINGS.map(': path.join(REPO_DIR, 'packages', 'messaging', 'src', 'connect.ts'),
  // SIM2REAL_TRANSLATOR_CA / _CERT / _KEY, SIM2REAL_TOKEN_FILE, SIM2REAL_TOKEN (TRANSLATOR_ACCESS_SETTINGS).
  'translatorAccessFromEnv(': path.join(REPO_DIR, 'packages', 'client', 'src', 'access.ts'),
  // A flag table built from TRANSLATOR_ACCESS_SETTINGS: each flag falls back to its variable.
  'TRANSLATOR_ACCESS_SETTINGS.map(': path.join(REPO_DIR, 'packages', 'client', 'src', 'access.ts'),
};

/** Every environment variable the sources under `srcDir` (relative to the repository) read. */
export function envNamesReadBy(srcDir: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(REPO_DIR, srcDir))) {
    const text = readText(file);
    for (const name of envNamesInSource(text)) names.add(name);
    for (const [call, source] of Object.entries(ENV_HELPER_SOURCES)) {
      if (text.includes(call)) for (const name of envNamesInSource(readText(source))) names.add(name);
    }
  }
  return names;
}

/** Variables read by node, npm or libraries themselves rather than by our code; allowed in every image. */
export const RUNTIME_ENV: ReadonlySet<string> = new Set(['NODE_ENV', 'NPM_CONFIG_UPDATE_NOTIFIER']);

/** The names in `set` that the code does not read: each one is a setting that silently does nothing. */
export function unreadEnv(set: Iterable<string>, read: ReadonlySet<string>): string[] {
  return [...set].filter((name) => !read.has(name) && !RUNTIME_ENV.has(name)).sort();
}

// ---- images --------------------------------------------------------------------------------------------------------

/** Image (without tag) → the source folder of the program it runs; the image name is `sim2real/<Dockerfile target>`. */
export const IMAGE_SOURCES: Readonly<Record<string, string>> = {
  'sim2real/translator': 'services/translator/src',
  'sim2real/translator-gpu': 'services/translator/src',
  'sim2real/dataset-adapter': 'services/dataset-adapter/src',
  'sim2real/face-regressor': 'services/face-regressor/src',
  'sim2real/cli': 'packages/cli/src',
};

export function splitImage(image: string): { name: string; tag: string } {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? { name: image.slice(0, colon), tag: image.slice(colon + 1) } : { name: image, tag: 'latest' };
}

// ---- Dockerfile ------------------------------------------------------------------------------------------------------

export interface DockerStage {
  readonly name: string;
  /** A stage name of this file, or an external image. */
  readonly from: string;
  readonly instructions: { keyword: string; args: string }[];
}

/** Splits a Dockerfile into stages with their instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${current}${line}`.trim());
    current = '';
  }
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`cannot read "${line}"`);
      stages.push({ from: match[1]!, name: match[2] ?? `stage-${stages.length}`, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The instructions of a target, its parent stages' first (what the image inherits). */
export function stageChain(stages: readonly DockerStage[], target: string): { keyword: string; args: string }[] {
  const stage = stages.find((s) => s.name === target);
  if (!stage) throw new Error(`no stage ${target}`);
  const parent = stages.some((s) => s.name === stage.from) ? stageChain(stages, stage.from) : [];
  return [...parent, ...stage.instructions];
}

/** Names set by ENV in a target and its parents. */
export function dockerEnvNames(stages: readonly DockerStage[], target: string): Set<string> {
  const names = new Set<string>();
  for (const { keyword, args } of stageChain(stages, target)) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) names.add(pair.split('=')[0]!);
  }
  return names;
}

// ---- kustomize -------------------------------------------------------------------------------------------------------

export interface KustomizeTree {
  /** Every file the kustomizations name (resources, patches, env files, config files), absolute. */
  readonly files: string[];
  /** The resource manifests among them. */
  readonly resources: string[];
  /** Kustomization folders, the root first. */
  readonly dirs: string[];
  /** configMapGenerator name → variables, merged along the tree (an overlay's `behavior: merge` wins). */
  readonly configMaps: Map<string, Map<string, string>>;
}

/** Walks a kustomization and the bases it includes. */
export function readKustomization(dir: string): KustomizeTree {
  const tree: KustomizeTree = { files: [], resources: [], dirs: [], configMaps: new Map() };
  walk(dir, tree);
  return tree;
}

function walk(dir: string, tree: KustomizeTree): void {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  tree.dirs.push(dir);
  const k = readYaml(file);
  for (const resource of (k.resources as string[] | undefined) ?? []) {
    const target = path.resolve(dir, resource);
    if (existsSync(path.join(target, 'kustomization.yaml'))) walk(target, tree);
    else {
      tree.files.push(target);
      tree.resources.push(target);
    }
  }
  for (const patch of (k.patches as { path?: string }[] | undefined) ?? []) {
    if (patch.path) tree.files.push(path.resolve(dir, patch.path));
  }
  for (const generator of (k.configMapGenerator as Yaml[] | undefined) ?? []) {
    const name = String(generator.name);
    const vars = generator.behavior === 'merge' ? (tree.configMaps.get(name) ?? new Map<string, string>()) : new Map<string, string>();
    for (const envFile of (generator.envs as string[] | undefined) ?? []) {
      const resolved = path.resolve(dir, envFile);
      tree.files.push(resolved);
      if (existsSync(resolved)) for (const [key, value] of parseEnvFile(readText(resolved))) vars.set(key, value);
    }
    for (const literal of (generator.literals as string[] | undefined) ?? []) {
      for (const [key, value] of parseEnvFile(literal)) vars.set(key, value);
    }
    for (const entry of (generator.files as string[] | undefined) ?? []) {
      tree.files.push(path.resolve(dir, entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : entry));
    }
    tree.configMaps.set(name, vars);
  }
}

/** The manifests of a kustomize tree as written (before kustomize renames or patches anything). */
export function manifestsOf(tree: KustomizeTree): Yaml[] {
  return tree.resources.filter((f) => existsSync(f)).flatMap((f) => parseYamlDocuments(readText(f)));
}

/** The pod template's containers of a Deployment or Job. */
export function containersOf(manifest: Yaml): Yaml[] {
  return field(manifest, 'spec.template.spec.containers') as Yaml[];
}
