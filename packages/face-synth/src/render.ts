import { encodeJpeg, decodeImage, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { albedoAt, realPalette, SIM_BACKGROUND, SIM_PALETTE, type Palette } from './appearance.js';
import { paintClutter, paintPhotoCrop, type BackgroundSet } from './backgrounds.js';
import { FaceSynthConfigError } from './errors.js';
import { createFaceModel, shapeVertices, type FaceModel } from './model.js';
import { cameraFinish, downsample, gaussianBlur, toBytes } from './post.js';
import { SeededRandom, mixSeed } from '@sim2real/random';
import { rasterize } from './rasterize.js';
import { lightDirection, poseMatrix, type Framing, type Lighting, type Pose } from './scene.js';

/** `sim`: flat albedo, Lambertian, plain background. `real`: a stand-in for photos. Same geometry in both. */
export type FaceStyle = 'sim' | 'real';

export const FACE_STYLES: readonly FaceStyle[] = ['sim', 'real'];

export interface RenderFaceOptions {
  /** The label: 3DMM coefficients (fewer than K means the rest are 0). */
  coefficients: ArrayLike<number>;
  pose: Pose;
  lighting: Lighting;
  /** @default no jitter */
  framing?: Framing;
  style: FaceStyle;
  /** Output width and height in pixels. @default 64 */
  size?: number;
  /** Seed of the appearance only (skin, background crop, camera); geometry never depends on it. @default 0 */
  seed?: number;
  /** Photos behind `real` faces; without them `real` faces get procedural clutter. */
  backgrounds?: BackgroundSet;
  /** @default createFaceModel() */
  model?: FaceModel;
  /** Samples per pixel along each axis (anti-aliasing). @default 2 */
  supersample?: number;
}

export interface RenderedFace {
  image: RgbImage;
  /** Fraction of each pixel covered by the head, 0–255; identical for both styles of one face. */
  mask: GreyImage;
}

const CAMERA_DISTANCE = 8;
/** Head height (crown to chin, model units) and the fraction of the frame it fills. */
const HEAD_HEIGHT = 2.1;
const HEAD_FILL = 0.84;
const HEAD_CENTRE_Y = -0.04;
const NO_JITTER: Framing = { offsetX: 0, offsetY: 0, scale: 1 };
const ATTRIBUTES = 9;

/** Renders one face: z-buffer rasterization, then the style's shading, background and camera. */
export async function renderFace(options: RenderFaceOptions): Promise<RenderedFace> {
  const size = options.size ?? 64;
  const supersample = options.supersample ?? 2;
  if (!Number.isInteger(size) || size < 8 || size > 1024) {
    throw new FaceSynthConfigError(`size must be an integer from 8 to 1024, got ${size}.`, 'size');
  }
  if (!Number.isInteger(supersample) || supersample < 1 || supersample > 8) {
    throw new FaceSynthConfigError(`supersample must be an integer from 1 to 8, got ${supersample}.`, 'supersample');
  }
  if (options.style !== 'sim' && options.style !== 'real') {
    throw new FaceSynthConfigError(`style must be "sim" or "real", got "${String(options.style)}".`, 'style');
  }
  const model = options.model ?? createFaceModel();
  const big = size * supersample;
  const raster = rasterize({
    width: big,
    height: big,
    ...project(model, options.coefficients, options.pose, options.framing ?? NO_JITTER, big),
    triangles: model.triangles,
    attributeCount: ATTRIBUTES,
  });

  const rng = SeededRandom.fromSeeds(mixSeed(options.seed ?? 0, 0x5eed));
  const colour = new Float32Array(big * big * 3);
  if (options.style === 'sim') {
    for (let p = 0; p < big * big; p++) colour.set(SIM_BACKGROUND, 3 * p);
    shade(raster, colour, SIM_PALETTE, options.lighting, simLight);
  } else {
    const palette = realPalette(rng);
    if (options.backgrounds) paintPhotoCrop(options.backgrounds, rng, big, colour);
    else paintClutter(rng, big, colour);
    shade(raster, colour, palette, options.lighting, realLight(rng));
  }

  const coverage = new Float32Array(big * big);
  for (let p = 0; p < coverage.length; p++) coverage[p] = raster.coverage[p]!;
  const mask: GreyImage = { width: size, height: size, data: toBytes(downsample(coverage, size, supersample, 1)) };
  let small = downsample(colour, size, supersample, 3);
  if (options.style === 'sim') return { image: { width: size, height: size, data: toBytes(small) }, mask };

  small = gaussianBlur(small, size, rng.uniform(0.3, 0.9) * (size / 64));
  cameraFinish(small, size, rng);
  const raw: RgbImage = { width: size, height: size, data: toBytes(small) };
  const jpeg = await encodeJpeg(raw, Math.round(rng.uniform(35, 85)));
  return { image: await decodeImage(jpeg, { name: 'rendered face' }), mask };
}

/** Shapes, poses and projects the mesh; per-vertex attributes: normal, reference direction, position. */
function project(
  model: FaceModel,
  coefficients: ArrayLike<number>,
  pose: Pose,
  framing: Framing,
  big: number,
): { screen: Float32Array; attributes: Float32Array } {
  const shaped = shapeVertices(model, coefficients);
  const r = poseMatrix(pose);
  const n = model.vertexCount;
  const posed = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const x = shaped[3 * v]!;
    const y = shaped[3 * v + 1]!;
    const z = shaped[3 * v + 2]!;
    for (let row = 0; row < 3; row++) posed[3 * v + row] = r[3 * row]! * x + r[3 * row + 1]! * y + r[3 * row + 2]! * z;
  }
  const normals = vertexNormals(posed, model.triangles);
  const focal = ((HEAD_FILL * big) / HEAD_HEIGHT) * CAMERA_DISTANCE * framing.scale;
  const screen = new Float32Array(n * 3);
  const attributes = new Float32Array(n * ATTRIBUTES);
  for (let v = 0; v < n; v++) {
    const x = posed[3 * v]!;
    const y = posed[3 * v + 1]!;
    const z = posed[3 * v + 2]!;
    const depth = CAMERA_DISTANCE - z;
    screen[3 * v] = big / 2 + framing.offsetX * big + (focal * x) / depth;
    screen[3 * v + 1] = big / 2 + framing.offsetY * big - (focal * (y - HEAD_CENTRE_Y)) / depth;
    screen[3 * v + 2] = depth;
    const o = v * ATTRIBUTES;
    attributes.set(normals.subarray(3 * v, 3 * v + 3), o);
    attributes.set(model.directions.subarray(3 * v, 3 * v + 3), o + 3);
    attributes.set(posed.subarray(3 * v, 3 * v + 3), o + 6);
  }
  return { screen, attributes };
}

/** Area-weighted vertex normals (Gouraud-style, renormalised per pixel when shading). */
function vertexNormals(positions: Float32Array, triangles: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = 3 * triangles[t]!;
    const b = 3 * triangles[t + 1]!;
    const c = 3 * triangles[t + 2]!;
    const e1 = [positions[b]! - positions[a]!, positions[b + 1]! - positions[a + 1]!, positions[b + 2]! - positions[a + 2]!];
    const e2 = [positions[c]! - positions[a]!, positions[c + 1]! - positions[a + 1]!, positions[c + 2]! - positions[a + 2]!];
    const nx = e1[1]! * e2[2]! - e1[2]! * e2[1]!;
    const ny = e1[2]! * e2[0]! - e1[0]! * e2[2]!;
    const nz = e1[0]! * e2[1]! - e1[1]! * e2[0]!;
    for (const i of [a, b, c]) {
      normals[i]! += nx;
      normals[i + 1]! += ny;
      normals[i + 2]! += nz;
    }
  }
  return normals;
}

/** What the light does to one surface point, given its unit normal, view vector and material. */
interface LightModel {
  (out: Float32Array, albedo: Float32Array, n: number[], view: number[], light: number[], lighting: Lighting, specular: number, shininess: number): void;
}

const simLight: LightModel = (out, albedo, n, _view, light, lighting) => {
  const diffuse = lighting.ambient + lighting.intensity * Math.max(0, dot(n, light));
  for (let c = 0; c < 3; c++) out[c] = albedo[c]! * diffuse;
};

/** Wrapped diffuse (soft skin), tinted key and ambient light, Blinn–Phong highlights. */
function realLight(rng: SeededRandom): LightModel {
  const warm = rng.uniform(-0.12, 0.12);
  const key = [1 + warm, 1, 1 - warm];
  const sky = [rng.uniform(0.85, 1), rng.uniform(0.9, 1), rng.uniform(0.95, 1.15)];
  const wrap = rng.uniform(0.15, 0.4);
  return (out, albedo, n, view, light, lighting, specular, shininess) => {
    const nl = dot(n, light);
    const diffuse = Math.max(0, (nl + wrap) / (1 + wrap));
    const h = normalise([light[0]! + view[0]!, light[1]! + view[1]!, light[2]! + view[2]!]);
    const highlight = nl > 0 ? specular * Math.pow(Math.max(0, dot(n, h)), shininess) : 0;
    for (let c = 0; c < 3; c++) {
      const lit = lighting.ambient * sky[c]! + lighting.intensity * key[c]! * diffuse;
      out[c] = albedo[c]! * lit + lighting.intensity * key[c]! * highlight;
    }
  };
}

function shade(
  raster: ReturnType<typeof rasterize>,
  colour: Float32Array,
  palette: Palette,
  lighting: Lighting,
  lightModel: LightModel,
): void {
  const light = lightDirection(lighting);
  const albedo = new Float32Array(3);
  const out = new Float32Array(3);
  const a = raster.attributes;
  for (let p = 0; p < raster.coverage.length; p++) {
    if (!raster.coverage[p]) continue;
    const o = p * ATTRIBUTES;
    const n = normalise([a[o]!, a[o + 1]!, a[o + 2]!]);
    const d = normalise([a[o + 3]!, a[o + 4]!, a[o + 5]!]);
    const view = normalise([-a[o + 6]!, -a[o + 7]!, CAMERA_DISTANCE - a[o + 8]!]);
    const region = albedoAt(d[0]!, d[1]!, d[2]!, palette, albedo);
    lightModel(out, albedo, n, view, light, lighting, palette.specular[region]!, palette.shininess[region]!);
    colour.set(out, 3 * p);
  }
}

function dot(a: number[], b: number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

function normalise(v: number[]): number[] {
  const l = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
  return [v[0]! / l, v[1]! / l, v[2]! / l];
}
