import { FaceSynthConfigError } from './errors.js';
import { SeededRandom, mixSeed } from '@sim2real/random';

/** Options of the procedural morphable model; every face of one model shares mesh and components. */
export interface FaceModelOptions {
  /** Number of shape components K. @default 100 */
  components?: number;
  /** Mesh rows from crown to chin pole. @default 80 */
  latitudes?: number;
  /** Mesh columns around the head. @default 120 */
  longitudes?: number;
  /** RMS vertex displacement of the first component at coefficient 1, in head half-heights. @default 0.1 */
  firstSigma?: number;
  /** σ_k = firstSigma · exp(−(k−1)/decayComponents): the first components carry most of the variation. @default 6 */
  decayComponents?: number;
  /** Seed of the components (the "population" the model was learnt from). @default 20190101 */
  seed?: number;
}

/** A mean mesh plus K orthogonal shape components, like a PCA face model. */
export interface FaceModel {
  readonly componentCount: number;
  readonly vertexCount: number;
  /** Vertex indices, three per triangle, counter-clockwise seen from outside. */
  readonly triangles: Uint32Array;
  /** Unit direction of every vertex on the reference sphere (x right, y up, z toward the viewer): surface coordinates. */
  readonly directions: Float32Array;
  /** Mean face, xyz per vertex. */
  readonly mean: Float32Array;
  /** K components of 3·vertexCount values each, already scaled by their σ. */
  readonly components: Float32Array;
  /** σ_k of every component (RMS displacement per unit coefficient). */
  readonly sigmas: Float32Array;
}

const DEFAULTS = {
  components: 100,
  latitudes: 80,
  longitudes: 120,
  firstSigma: 0.1,
  decayComponents: 6,
  seed: 20190101,
} as const;

type ResolvedModelOptions = Required<FaceModelOptions>;

const cache = new Map<string, FaceModel>();

/** Builds (once per option set, then cached) the procedural morphable face model. */
export function createFaceModel(options: FaceModelOptions = {}): FaceModel {
  const resolved = resolveModelOptions(options);
  const key = JSON.stringify(resolved);
  let model = cache.get(key);
  if (!model) {
    model = buildModel(resolved);
    cache.set(key, model);
  }
  return model;
}

function resolveModelOptions(options: FaceModelOptions): ResolvedModelOptions {
  const resolved = { ...DEFAULTS, ...options };
  const intIn = (name: keyof ResolvedModelOptions, min: number, max: number): void => {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new FaceSynthConfigError(`${name} must be an integer from ${min} to ${max}, got ${value}.`, name);
    }
  };
  intIn('components', 1, 400);
  intIn('latitudes', 8, 400);
  intIn('longitudes', 8, 400);
  intIn('seed', -(2 ** 31), 2 ** 32 - 1);
  for (const name of ['firstSigma', 'decayComponents'] as const) {
    if (!(resolved[name] > 0 && Number.isFinite(resolved[name]))) {
      throw new FaceSynthConfigError(`${name} must be a positive number, got ${resolved[name]}.`, name);
    }
  }
  return resolved;
}

function buildModel(options: ResolvedModelOptions): FaceModel {
  const { directions, triangles } = sphereGrid(options.latitudes, options.longitudes);
  const vertexCount = directions.length / 3;
  const mean = new Float32Array(vertexCount * 3);
  for (let v = 0; v < vertexCount; v++) {
    const [x, y, z] = meanFacePoint(directions[3 * v]!, directions[3 * v + 1]!, directions[3 * v + 2]!);
    mean[3 * v] = x;
    mean[3 * v + 1] = y;
    mean[3 * v + 2] = z;
  }
  const { components, sigmas } = shapeComponents(directions, mean, options);
  return { componentCount: options.components, vertexCount, triangles, directions, mean, components, sigmas };
}

/** A latitude–longitude grid on the unit sphere with its poles at the crown and under the chin. */
function sphereGrid(latitudes: number, longitudes: number): { directions: Float32Array; triangles: Uint32Array } {
  const rows = latitudes + 1;
  const directions = new Float32Array(rows * longitudes * 3);
  for (let i = 0; i < rows; i++) {
    const theta = (Math.PI * i) / latitudes;
    for (let j = 0; j < longitudes; j++) {
      const phi = -Math.PI + (2 * Math.PI * j) / longitudes;
      const o = 3 * (i * longitudes + j);
      directions[o] = Math.sin(theta) * Math.sin(phi);
      directions[o + 1] = Math.cos(theta);
      directions[o + 2] = Math.sin(theta) * Math.cos(phi);
    }
  }
  const triangles = new Uint32Array(latitudes * longitudes * 6);
  let t = 0;
  for (let i = 0; i < latitudes; i++) {
    for (let j = 0; j < longitudes; j++) {
      const a = i * longitudes + j;
      const b = i * longitudes + ((j + 1) % longitudes);
      const c = a + longitudes;
      const d = b + longitudes;
      triangles.set([a, c, b, b, c, d], t);
      t += 6;
    }
  }
  return { directions, triangles };
}

function gauss(u: number, v: number, cu: number, cv: number, su: number, sv: number): number {
  const du = (u - cu) / su;
  const dv = (v - cv) / sv;
  return Math.exp(-0.5 * (du * du + dv * dv));
}

function smoothstep(lo: number, hi: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
  return t * t * (3 - 2 * t);
}

/**
 * The mean head: an ellipsoid whose jaw narrows, with nose, brows, eye sockets, cheekbones, lips, chin and ears
 * raised or sunk along the surface normal. Face features live in (u, v) = (x, y) of the front hemisphere.
 */
function meanFacePoint(dx: number, dy: number, dz: number): [number, number, number] {
  const front = smoothstep(0.15, 0.55, dz);
  const u = dx;
  const v = dy;
  const mirrored = Math.abs(u);
  let h = 0;
  h += 0.2 * gauss(u, v, 0, -0.08, 0.06, 0.17) + 0.09 * gauss(u, v, 0, -0.24, 0.08, 0.06);
  h += 0.035 * gauss(mirrored, v, 0.085, -0.27, 0.045, 0.04);
  h -= 0.09 * gauss(mirrored, v, 0.3, 0.12, 0.1, 0.07);
  h += 0.04 * gauss(mirrored, v, 0.3, 0.11, 0.06, 0.04);
  h += 0.06 * gauss(mirrored, v, 0.29, 0.26, 0.15, 0.045);
  h += 0.05 * gauss(mirrored, v, 0.42, -0.1, 0.12, 0.1);
  h += 0.05 * gauss(u, v, 0, -0.43, 0.14, 0.04) + 0.055 * gauss(u, v, 0, -0.52, 0.12, 0.04);
  h -= 0.025 * gauss(u, v, 0, -0.475, 0.13, 0.015);
  h += 0.07 * gauss(u, v, 0, -0.75, 0.15, 0.09);
  h -= 0.04 * gauss(u, v, 0, -0.33, 0.05, 0.04);
  h *= front;
  const side = smoothstep(0.8, 0.97, Math.abs(dx));
  h += 0.12 * side * gauss(dz, dy, -0.08, 0.02, 0.12, 0.22);

  let x = dx * 0.74;
  const y = dy * 1.0;
  let z = dz * 0.86;
  if (dy < 0) {
    const jaw = 1 - 0.24 * Math.pow(-dy, 1.6);
    x *= jaw;
    z *= 1 - 0.1 * Math.pow(-dy, 2);
  }
  // The ellipsoid normal direction, close enough to push features outward.
  const nx = dx / 0.74;
  const ny = dy;
  const nz = dz / 0.86;
  const nl = Math.hypot(nx, ny, nz) || 1;
  return [x + (h * nx) / nl, y + (h * ny) / nl, z + (h * nz) / nl];
}

/**
 * K smooth displacement fields: random Fourier features of the surface direction whose frequency rises with k,
 * weighted toward the face, made orthogonal to rigid motions (those are pose, not shape) and to each other
 * (Gram–Schmidt in order, so low frequencies come first), normalised to unit RMS and scaled by σ_k.
 */
function shapeComponents(
  directions: Float32Array,
  mean: Float32Array,
  options: ResolvedModelOptions,
): { components: Float32Array; sigmas: Float32Array } {
  const n = directions.length;
  const vertexCount = n / 3;
  const rng = SeededRandom.fromSeeds(mixSeed(options.seed, 0x3d));
  const rigid: Float64Array[] = [];
  for (let axis = 0; axis < 3; axis++) {
    const translation = new Float64Array(n);
    const rotation = new Float64Array(n);
    for (let v = 0; v < vertexCount; v++) {
      translation[3 * v + axis] = 1;
      const p = [mean[3 * v]!, mean[3 * v + 1]!, mean[3 * v + 2]!];
      const a1 = (axis + 1) % 3;
      const a2 = (axis + 2) % 3;
      rotation[3 * v + a1] = -p[a2]!;
      rotation[3 * v + a2] = p[a1]!;
    }
    rigid.push(translation, rotation);
  }
  const basis: Float64Array[] = [];
  for (const field of rigid) orthonormalise(field, basis);
  const rigidCount = basis.length;

  const terms = 6;
  const sigmas = new Float32Array(options.components);
  const components = new Float32Array(options.components * n);
  for (let k = 0; k < options.components; k++) {
    const frequency = 0.9 + 4.5 * Math.pow(k / Math.max(1, options.components - 1), 0.8);
    let field: Float64Array;
    do {
      field = randomField(directions, frequency, terms, rng);
    } while (!orthonormalise(field, basis));
    const sigma = options.firstSigma * Math.exp(-k / options.decayComponents);
    sigmas[k] = sigma;
    const scale = sigma * Math.sqrt(vertexCount);
    for (let i = 0; i < n; i++) components[k * n + i] = field[i]! * scale;
  }
  basis.splice(0, rigidCount);
  return { components, sigmas };
}

function randomField(
  directions: Float32Array,
  frequency: number,
  terms: number,
  rng: SeededRandom,
): Float64Array {
  const n = directions.length;
  const field = new Float64Array(n);
  for (let t = 0; t < terms; t++) {
    const w = [rng.normal() * frequency, rng.normal() * frequency, rng.normal() * frequency];
    const phase = rng.uniform(0, 2 * Math.PI);
    const amp = [rng.normal(), rng.normal(), rng.normal()];
    for (let v = 0; v < n / 3; v++) {
      const dx = directions[3 * v]!;
      const dy = directions[3 * v + 1]!;
      const dz = directions[3 * v + 2]!;
      const s = Math.sin(w[0]! * dx + w[1]! * dy + w[2]! * dz + phase);
      const weight = 0.3 + 0.7 * smoothstep(-0.2, 0.6, dz);
      field[3 * v]! += amp[0]! * s * weight;
      field[3 * v + 1]! += amp[1]! * s * weight;
      field[3 * v + 2]! += amp[2]! * s * weight;
    }
  }
  return field;
}

/** Modified Gram–Schmidt: makes `field` unit-length and orthogonal to `basis`, appends it; false when degenerate. */
function orthonormalise(field: Float64Array, basis: Float64Array[]): boolean {
  const before = Math.sqrt(dot(field, field));
  for (const b of basis) {
    const p = dot(field, b);
    for (let i = 0; i < field.length; i++) field[i]! -= p * b[i]!;
  }
  const norm = Math.sqrt(dot(field, field));
  if (!(norm > 1e-6 * before)) return false;
  for (let i = 0; i < field.length; i++) field[i]! /= norm;
  basis.push(field);
  return true;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Vertex positions of the face with the given coefficients (missing trailing coefficients count as 0). */
export function shapeVertices(model: FaceModel, coefficients: ArrayLike<number>): Float32Array {
  if (coefficients.length > model.componentCount) {
    throw new FaceSynthConfigError(
      `Got ${coefficients.length} coefficients but the model has ${model.componentCount} components.`,
      'coefficients',
    );
  }
  const n = model.vertexCount * 3;
  const positions = Float32Array.from(model.mean);
  for (let k = 0; k < coefficients.length; k++) {
    const c = coefficients[k]!;
    if (!Number.isFinite(c)) throw new FaceSynthConfigError(`Coefficient ${k} is not a finite number.`, 'coefficients');
    if (c === 0) continue;
    const offset = k * n;
    for (let i = 0; i < n; i++) positions[i]! += c * model.components[offset + i]!;
  }
  return positions;
}
