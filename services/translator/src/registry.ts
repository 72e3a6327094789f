import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadEngine } from '@sim2real/inference';
import type { EngineInfo, EngineKind, EngineOptions, InferenceEngine } from '@sim2real/inference';
import { readModelManifest } from '@sim2real/translation';
import type { ModelManifest } from '@sim2real/translation';
import { MODEL_NAME_PATTERN } from './config.js';
import { InvalidRequestError, ModelNotFoundError } from './errors.js';

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

/** A version with its manifest (for ListModels / GetModel). */
export interface DescribedVersion extends ModelVersionRef {
  manifest: ModelManifest;
  /** The engine serving it when loaded, else the one it would load with. */
  engine: EngineKind;
}

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

async function isVersionDir(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, MANIFEST_FILE))).isFile();
  } catch {
    return false;
  }
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

/**
 * The model registry on disk. A version is a folder holding `sim2real-model.json`; folders starting with "."
 * (training in progress) are ignored. New versions become visible without a restart: an explicit `name@version`
 * that is not cached is looked up on disk at once, and `latest` rescans a name's folder when its listing is older
 * than `rescanMs` (or after `invalidate`, which training calls when it publishes).
 */
export class ModelRegistry {
  readonly root: string;
  readonly #options: RegistryOptions;
  readonly #listings = new Map<string, { versions: string[]; at: number }>();
  readonly #loaded = new Map<string, Loaded>();

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
    const cached = this.#listings.get(name);
    if (!fresh && cached && performance.now() - cached.at < this.#options.rescanMs) return cached.versions;
    const dir = path.join(this.root, name);
    const candidates = await listDirs(dir);
    const flags = await Promise.all(candidates.map((v) => isVersionDir(path.join(dir, v))));
    const versions = candidates.filter((_, i) => flags[i]).sort(compareVersions);
    this.#listings.set(name, { versions, at: performance.now() });
    return versions;
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
    const { name, version } = parseModelRef(asked);
    if (version !== undefined) {
      const dir = path.join(this.root, name, version);
      if (!(await isVersionDir(dir))) {
        const known = await this.versions(name, true);
        const hint = known.length > 0 ? `versions of "${name}": ${known.join(', ')}` : `the registry has no model "${name}"`;
        throw new ModelNotFoundError(ref, `Model "${name}@${version}" is not in the registry (${hint}).`);
      }
      return { name, version, id: `${name}@${version}`, dir };
    }
    let versions = await this.versions(name);
    if (versions.length === 0) versions = await this.versions(name, true);
    const latest = versions.at(-1);
    if (latest === undefined) throw new ModelNotFoundError(ref, `Model "${name}" is not in the registry ${this.root}.`);
    return { name, version: latest, id: `${name}@${latest}`, dir: path.join(this.root, name, latest) };
  }

  /** Resolves and lends the loaded translator (loading it on first use). */
  async acquire(ref: string): Promise<ModelLease> {
    const resolved = await this.resolve(ref);
    let entry = this.#loaded.get(resolved.id);
    if (!entry) {
      const loading: Loaded = { engine: loadEngine(resolved.dir, this.#options.engine ?? {}), info: undefined, leases: 0, lastUsed: 0 };
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
    const described = await Promise.all(
      versions.map(async (version) => {
        const dir = path.join(this.root, name, version);
        const manifest = await readModelManifest(dir).catch(() => undefined);
        const id = `${name}@${version}`;
        return manifest && { name, version, id, dir, manifest, engine: this.#loaded.get(id)?.info?.kind ?? this.#expectedEngine(manifest) };
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
