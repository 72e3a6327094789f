import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEngine } from '@sim2real/inference';
import type { EngineInfo, EngineKind, EngineOptions, InferenceEngine } from '@sim2real/inference';
import { readModelManifest, verifyModelFiles } from '@sim2real/translation';
import type { ModelManifest } from '@sim2real/translation';
import { MODEL_NAME_PATTERN } from './config.js';
import { InvalidRequestError, ModelIntegrityError, ModelNotFoundError, PreconditionError } from './errors.js';

/** The file that makes a folder a model version (written by `train`). */
export const MANIFEST_FILE = 'sim2real-model.json';

export interface RegistryOptions {
  /** `<root>/<name>/<version>/` */
  root: string;
  defaultModel: string | undefined;
  /** How long a `latest` lookup trusts the last listing of a name's folder. */
  rescanMs: number;
  /** Translators kept loaded; least recently used ones without users are disposed beyond it. */
  maxLoaded: number;
  /** Inference engine of every version loaded. @default {} (auto: onnxruntime-node where a version has a current model.onnx) */
  engine?: EngineOptions;
  /** Called once per version loaded, with the engine it got (the server logs it). */
  onLoad?: (id: string, info: EngineInfo) => void;
}

/** One version folder of the registry. */
export interface ModelVersionRef {
  name: string;
  version: string;
  /** `name@version` */
  id: string;
  dir: string;
}

/** A loaded translator lent to a caller; `release()` exactly once when done with it. */
export interface ModelLease extends ModelVersionRef {
  engine: InferenceEngine;
  release(): void;
}

/** A version with its manifest and registry state (for ListModels / GetModel). */
export interface DescribedVersion extends ModelVersionRef {
  manifest: ModelManifest;
  /** The engine serving it when loaded, else the one it would load with. */
  engine: EngineKind;
  /** Promoted by an admin: served as `name` / `name@latest` like a complete version. */
  promoted: boolean;
  /** Aliases (`name@<alias>`) naming this version. */
  aliases: string[];
}

/** `<root>/<name>/.sim2real-registry.json`: what admins decided about a name's versions. */
interface NameState {
  /** alias → version */
  aliases: Record<string, string>;
  /** Partial versions accepted as finished. */
  promoted: string[];
}

/** A version folder and whether `name` / `name@latest` may resolve to it. */
interface Listed {
  version: string;
  servable: boolean;
}

const STATE_FILE = '.sim2real-registry.json';

interface Loaded {
  engine: Promise<InferenceEngine>;
  /** Set once the engine has loaded. */
  info: EngineInfo | undefined;
  leases: number;
  lastUsed: number;
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Versions sort in natural order (`v2` < `v10`, timestamps chronologically); `latest` is the greatest. Versions the
 * server trains are UTC timestamps `YYYYMMDDTHHMMSSZ`, so with them the newest is the latest.
 */
export function compareVersions(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Splits `name`, `name@version`, `name@latest` (version undefined for latest). */
export function parseModelRef(ref: string): { name: string; version: string | undefined } {
  const [name = '', version, extra] = ref.split('@');
  if (extra !== undefined || !MODEL_NAME_PATTERN.test(name) || (version !== undefined && !MODEL_NAME_PATTERN.test(version))) {
    throw new InvalidRequestError(
      `Model "${ref}" is not a valid reference; use "name", "name@version" or "name@latest" (letters, digits, ".", "_", "-").`,
    );
  }
  return { name, version: version === 'latest' ? undefined : version };
}

const TIMESTAMP_VERSION = /^\d{8}T\d{6}Z$/;

/** `2026-11-25T06:30:00.123Z` → `20261125T063000Z`. */
export function timestampVersion(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** `20261125T063000Z` → its time in ms since the epoch. */
function versionTime(version: string): number {
  return Date.parse(version.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
}

async function isVersionDir(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, MANIFEST_FILE))).isFile();
  } catch {
    return false;
  }
}

/** Whether the version's manifest says all its steps were trained (an unreadable manifest counts as not). */
async function isComplete(dir: string): Promise<boolean> {
  return (await readModelManifest(dir).catch(() => undefined))?.complete === true;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && MODEL_NAME_PATTERN.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Checks the version's files against the SHA-256s of its manifest; ModelIntegrityError naming the first bad file. */
async function verified(ref: ModelVersionRef): Promise<void> {
  const bad = await verifyModelFiles(ref.dir, await readModelManifest(ref.dir));
  if (bad) throw new ModelIntegrityError(ref.id, bad.file, `Model ${ref.id} cannot be served: its file ${bad.file} failed verification (${bad.problem}).`);
}

/**
 * The model registry on disk. A version is a folder holding `sim2real-model.json`; folders starting with "."
 * (training in progress) are ignored. `name` and `name@latest` resolve to the newest **complete** version (all its
 * steps trained) or promoted one; a partial version (cancelled, stopped) is served only as `name@version`, and
 * `name@<alias>` follows an alias an admin set. Before a version is loaded, every file its manifest records is
 * checked against its SHA-256: a corrupt one is refused with FAILED_PRECONDITION naming the file, the rest serve
 * on. New versions become visible without a restart: an explicit `name@version` that is not cached is looked up
 * on disk at once, and `latest` rescans a name's folder when its listing is older than `rescanMs` (or after
 * `invalidate`, which training and the management calls do).
 */
export class ModelRegistry {
  readonly root: string;
  readonly #options: RegistryOptions;
  readonly #listings = new Map<string, { versions: Listed[]; at: number }>();
  readonly #loaded = new Map<string, Loaded>();
  /** Serialises management writes (state file, deletions). */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(options: RegistryOptions) {
    this.root = options.root;
    this.#options = options;
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  /** Model names (folders with at least one version), sorted. */
  async names(): Promise<string[]> {
    const names = await listDirs(this.root);
    const withVersions = await Promise.all(names.map(async (n) => ((await this.versions(n, true)).length > 0 ? n : undefined)));
    return withVersions.filter((n): n is string => n !== undefined).sort(compareVersions);
  }

  /** Versions of `name`, oldest first. */
  async versions(name: string, fresh = false): Promise<string[]> {
    return (await this.#list(name, fresh)).map((v) => v.version);
  }

  async #list(name: string, fresh = false): Promise<Listed[]> {
    const cached = this.#listings.get(name);
    if (!fresh && cached && performance.now() - cached.at < this.#options.rescanMs) return cached.versions;
    const dir = path.join(this.root, name);
    const candidates = await listDirs(dir);
    const flags = await Promise.all(candidates.map((v) => isVersionDir(path.join(dir, v))));
    const found = candidates.filter((_, i) => flags[i]).sort(compareVersions);
    const { promoted } = await this.#state(name);
    const complete = await Promise.all(found.map((v) => isComplete(path.join(dir, v))));
    const versions = found.map((version, i) => ({ version, servable: complete[i]! || promoted.includes(version) }));
    this.#listings.set(name, { versions, at: performance.now() });
    return versions;
  }

  async #state(name: string): Promise<NameState> {
    try {
      const parsed = JSON.parse(await readFile(path.join(this.root, name, STATE_FILE), 'utf8')) as Partial<NameState>;
      return { aliases: { ...parsed.aliases }, promoted: [...(parsed.promoted ?? [])] };
    } catch {
      return { aliases: {}, promoted: [] };
    }
  }

  /** Applies `change` to the state of `name` and writes it atomically (one change at a time). */
  #update<T>(name: string, change: (state: NameState, versions: string[]) => Promise<T> | T): Promise<T> {
    const run = this.#writes.then(async () => {
      const versions = await this.versions(name, true);
      const state = await this.#state(name);
      const result = await change(state, versions);
      const file = path.join(this.root, name, STATE_FILE);
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
      await rename(temp, file);
      this.invalidate(name);
      return result;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  /** `name@version` must be a version on disk (NOT_FOUND otherwise); returns its parts. */
  #existing(ref: string, versions: string[]): { name: string; version: string } {
    const { name, version } = parseModelRef(ref);
    if (version === undefined) throw new InvalidRequestError(`Name one version: "${name}@<version>", not "${ref}".`);
    if (!versions.includes(version)) throw new ModelNotFoundError(ref, `Model "${name}@${version}" is not in the registry.`);
    return { name, version };
  }

  /** Marks a (partial) version as finished: `name` / `name@latest` may then resolve to it. */
  async promote(ref: string): Promise<void> {
    const { name } = parseModelRef(ref);
    await this.#update(name, (state, versions) => {
      const { version } = this.#existing(ref, versions);
      if (!state.promoted.includes(version)) state.promoted.push(version);
    });
  }

  /** Points `name@<alias>` at `version`, or removes the alias when `version` is empty. */
  async alias(name: string, alias: string, version: string): Promise<void> {
    parseModelRef(name);
    if (!MODEL_NAME_PATTERN.test(alias) || alias === 'latest') {
      throw new InvalidRequestError(`Alias "${alias}" is not valid: letters, digits, ".", "_", "-", and not "latest".`);
    }
    await this.#update(name, (state, versions) => {
      if (versions.includes(alias)) throw new InvalidRequestError(`Alias "${alias}" is already a version of "${name}"; choose another name.`);
      if (version === '') {
        if (!(alias in state.aliases)) throw new ModelNotFoundError(`${name}@${alias}`, `Model "${name}" has no alias "${alias}".`);
        delete state.aliases[alias];
      } else {
        state.aliases[alias] = this.#existing(`${name}@${version}`, versions).version;
      }
    });
  }

  /** Deletes a version folder; refused while an alias names it. */
  async delete(ref: string): Promise<void> {
    const { name } = parseModelRef(ref);
    await this.#update(name, async (state, versions) => {
      const { version } = this.#existing(ref, versions);
      const aliases = Object.entries(state.aliases).filter(([, v]) => v === version).map(([a]) => a);
      if (aliases.length > 0) {
        throw new PreconditionError(`${name}@${version} is named by the alias(es) ${aliases.join(', ')}; move or remove them first.`);
      }
      state.promoted = state.promoted.filter((v) => v !== version);
      // Renamed first, so that a half-deleted folder is never seen as a version.
      const trash = path.join(this.root, name, `.deleted-${version}-${randomBytes(4).toString('hex')}`);
      await rename(path.join(this.root, name, version), trash);
      await rm(trash, { recursive: true, force: true });
      const id = `${name}@${version}`;
      const entry = this.#loaded.get(id);
      if (entry && entry.leases === 0) {
        this.#loaded.delete(id);
        void entry.engine.then((e) => e.dispose(), () => undefined);
      }
    });
  }

  /** Forgets the cached listing of `name` (or of all names). */
  invalidate(name?: string): void {
    if (name === undefined) this.#listings.clear();
    else this.#listings.delete(name);
  }

  /** Resolves a reference (empty = the default model) to an existing version folder. */
  async resolve(ref: string): Promise<ModelVersionRef> {
    const asked = ref === '' ? this.#options.defaultModel : ref;
    if (asked === undefined) {
      throw new ModelNotFoundError(ref, 'The request names no model and the server has no default model; set the model field.');
    }
    const { name, version: askedVersion } = parseModelRef(asked);
    let version = askedVersion;
    if (version !== undefined) {
      if (!(await isVersionDir(path.join(this.root, name, version)))) {
        const aliased = (await this.#state(name)).aliases[version];
        if (aliased === undefined || !(await isVersionDir(path.join(this.root, name, aliased)))) {
          const known = await this.versions(name, true);
          const hint = known.length > 0 ? `versions of "${name}": ${known.join(', ')}` : `the registry has no model "${name}"`;
          throw new ModelNotFoundError(ref, `Model "${name}@${version}" is not in the registry (${hint}).`);
        }
        version = aliased;
      }
      return { name, version, id: `${name}@${version}`, dir: path.join(this.root, name, version) };
    }
    let versions = await this.#list(name);
    if (versions.length === 0) versions = await this.#list(name, true);
    const latest = versions.filter((v) => v.servable).at(-1)?.version;
    if (latest === undefined) {
      if (versions.length === 0) throw new ModelNotFoundError(ref, `Model "${name}" is not in the registry.`);
      throw new ModelNotFoundError(
        ref,
        `Model "${name}" has no complete version (partial: ${versions.map((v) => v.version).join(', ')}); ask for one as "${name}@<version>" or promote it.`,
      );
    }
    return { name, version: latest, id: `${name}@${latest}`, dir: path.join(this.root, name, latest) };
  }

  /** Resolves and lends the loaded translator (loading it on first use). */
  async acquire(ref: string): Promise<ModelLease> {
    const resolved = await this.resolve(ref);
    let entry = this.#loaded.get(resolved.id);
    if (!entry) {
      const loading: Loaded = { engine: verified(resolved).then(() => loadEngine(resolved.dir, this.#options.engine ?? {})), info: undefined, leases: 0, lastUsed: 0 };
      loading.engine.then(
        (engine) => {
          loading.info = engine.info;
          this.#options.onLoad?.(resolved.id, engine.info);
        },
        () => undefined,
      );
      entry = loading;
      this.#loaded.set(resolved.id, entry);
    }
    entry.leases += 1;
    entry.lastUsed = performance.now();
    let engine: InferenceEngine;
    try {
      engine = await entry.engine;
    } catch (error) {
      entry.leases -= 1;
      if (this.#loaded.get(resolved.id) === entry) this.#loaded.delete(resolved.id);
      throw error;
    }
    this.#evict();
    let released = false;
    const held = entry;
    return {
      ...resolved,
      engine,
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        this.#evict();
      },
    };
  }

  /** Every version of `name` whose manifest reads, oldest first (an unreadable one is left out, not fatal). */
  async describe(name: string): Promise<DescribedVersion[]> {
    parseModelRef(name);
    const versions = await this.versions(name, true);
    const state = await this.#state(name);
    const described = await Promise.all(
      versions.map(async (version) => {
        const dir = path.join(this.root, name, version);
        const manifest = await readModelManifest(dir).catch(() => undefined);
        const id = `${name}@${version}`;
        const aliases = Object.entries(state.aliases).filter(([, v]) => v === version).map(([a]) => a).sort();
        return manifest && { name, version, id, dir, manifest, engine: this.#loaded.get(id)?.info?.kind ?? this.#expectedEngine(manifest), promoted: state.promoted.includes(version), aliases };
      }),
    );
    return described.filter((d): d is DescribedVersion => d !== undefined);
  }

  /** A new, unused version name for `name`: the UTC time, moved past the newest timestamp version if needed. */
  async nextVersion(name: string, now = new Date()): Promise<string> {
    const existing = await this.versions(name, true);
    const newest = existing.filter((v) => TIMESTAMP_VERSION.test(v)).at(-1);
    let time = now.getTime();
    while (newest !== undefined && timestampVersion(new Date(time)) <= newest) time += 1000;
    return timestampVersion(new Date(time));
  }

  /**
   * Reserves a new version of `name` for a publisher: its folder is created exclusively (mkdir fails with EEXIST
   * when another process, or another replica on a shared registry, took that name first; then the next second is
   * tried), so concurrent publishers never get the same version. The folder stays empty, hence not a version,
   * until the caller renames its staging folder onto it (rename replaces an empty folder atomically).
   */
  async reserveVersion(name: string, now = new Date()): Promise<string> {
    await mkdir(path.join(this.root, name), { recursive: true });
    let version = await this.nextVersion(name, now);
    for (;;) {
      try {
        await mkdir(path.join(this.root, name, version));
        return version;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        version = timestampVersion(new Date(versionTime(version) + 1000));
      }
    }
  }

  /** The engine kind of a loaded version (`name@version`); undefined while it is not loaded. */
  engineOf(id: string): EngineKind | undefined {
    return this.#loaded.get(id)?.info?.kind;
  }

  /** Disposes every loaded translator (after serving has stopped). */
  async close(): Promise<void> {
    const entries = [...this.#loaded.values()];
    this.#loaded.clear();
    for (const entry of entries) {
      const engine = await entry.engine.catch(() => undefined);
      await engine?.dispose();
    }
  }

  /** The engine a version not loaded yet would get (a corrupt model.onnx is only found when it loads). */
  #expectedEngine(manifest: ModelManifest): EngineKind {
    const choice = this.#options.engine?.engine ?? 'auto';
    if (choice !== 'auto') return choice;
    return manifest.onnx !== undefined && manifest.onnx.checkpoint === manifest.checkpoint ? 'onnx' : 'tfjs';
  }

  #evict(): void {
    if (this.#loaded.size <= this.#options.maxLoaded) return;
    const idle = [...this.#loaded.entries()].filter(([, e]) => e.leases === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id, entry] of idle) {
      if (this.#loaded.size <= this.#options.maxLoaded) break;
      this.#loaded.delete(id);
      void entry.engine.then((e) => e.dispose(), () => undefined);
    }
  }
}
