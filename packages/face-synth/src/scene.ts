import { FaceSynthConfigError } from './errors.js';
import { SeededRandom, mixSeed } from '@sim2real/random';

/** Head rotation in degrees (applied roll ∘ pitch ∘ yaw). Not part of the label: a nuisance, as in real photos. */
export interface Pose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** One directional key light plus ambient light, shared by both styles. */
export interface Lighting {
  /** Left (−) / right (+) of the camera axis. */
  azimuthDeg: number;
  /** Below (−) / above (+) the camera axis. */
  elevationDeg: number;
  /** Ambient term, fraction of full white. */
  ambient: number;
  /** Key light strength, fraction of full white. */
  intensity: number;
}

/** Crop jitter, as a face detector's box would have. */
export interface Framing {
  /** Horizontal shift, fraction of the image width. */
  offsetX: number;
  /** Vertical shift, fraction of the image height. */
  offsetY: number;
  /** Zoom factor around 1. */
  scale: number;
}

/** Everything that makes one face: the label (coefficients) and the nuisances (pose, light, framing). */
export interface FaceParams {
  seed: number;
  /** The label: 3DMM shape coefficients, each ~ N(0, 1). */
  coefficients: Float32Array;
  pose: Pose;
  lighting: Lighting;
  framing: Framing;
}

/** Distribution of sampled faces; both styles draw from the same one. */
export interface SampleFaceOptions {
  /** Number of coefficients K. @default 100 */
  components?: number;
  /** Largest |yaw|. @default 20 */
  maxYawDeg?: number;
  /** Largest |pitch|. @default 10 */
  maxPitchDeg?: number;
  /** Largest |roll|. @default 6 */
  maxRollDeg?: number;
  /** Largest crop shift, fraction of the image. @default 0.02 */
  maxOffset?: number;
  /** Largest relative zoom change. @default 0.03 */
  maxScaleJitter?: number;
}

const SAMPLE_DEFAULTS: Required<SampleFaceOptions> = {
  components: 100,
  maxYawDeg: 20,
  maxPitchDeg: 10,
  maxRollDeg: 6,
  maxOffset: 0.02,
  maxScaleJitter: 0.03,
};

/** The parameters of face number `seed`: coefficients ~ N(0, 1), pose, light and framing uniform in their ranges. */
export function sampleFace(seed: number, options: SampleFaceOptions = {}): FaceParams {
  const o = { ...SAMPLE_DEFAULTS, ...options };
  if (!Number.isInteger(o.components) || o.components < 1) {
    throw new FaceSynthConfigError(`components must be a positive integer, got ${o.components}.`, 'components');
  }
  for (const name of ['maxYawDeg', 'maxPitchDeg', 'maxRollDeg', 'maxOffset', 'maxScaleJitter'] as const) {
    if (!(o[name] >= 0 && Number.isFinite(o[name]))) {
      throw new FaceSynthConfigError(`${name} must be a non-negative number, got ${o[name]}.`, name);
    }
  }
  const rng = SeededRandom.fromSeeds(mixSeed(seed, 0xface));
  const coefficients = new Float32Array(o.components);
  for (let k = 0; k < o.components; k++) coefficients[k] = rng.normal();
  const symmetric = (max: number): number => rng.uniform(-max, max);
  return {
    seed,
    coefficients,
    pose: { yawDeg: symmetric(o.maxYawDeg), pitchDeg: symmetric(o.maxPitchDeg), rollDeg: symmetric(o.maxRollDeg) },
    lighting: {
      azimuthDeg: rng.uniform(-60, 60),
      elevationDeg: rng.uniform(-10, 50),
      ambient: rng.uniform(0.25, 0.45),
      intensity: rng.uniform(0.6, 0.9),
    },
    framing: {
      offsetX: symmetric(o.maxOffset),
      offsetY: symmetric(o.maxOffset),
      scale: 1 + symmetric(o.maxScaleJitter),
    },
  };
}

/** Unit vector toward the key light, in camera space (x right, y up, z toward the camera). */
export function lightDirection(lighting: Lighting): [number, number, number] {
  const az = (lighting.azimuthDeg * Math.PI) / 180;
  const el = (lighting.elevationDeg * Math.PI) / 180;
  return [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)];
}

/** Row-major 3×3 rotation R = Rz(roll) · Rx(pitch) · Ry(yaw). */
export function poseMatrix(pose: Pose): number[] {
  const rad = Math.PI / 180;
  const [cy, sy] = [Math.cos(pose.yawDeg * rad), Math.sin(pose.yawDeg * rad)];
  const [cx, sx] = [Math.cos(pose.pitchDeg * rad), Math.sin(pose.pitchDeg * rad)];
  const [cz, sz] = [Math.cos(pose.rollDeg * rad), Math.sin(pose.rollDeg * rad)];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  return multiply(rz, multiply(rx, ry));
}

function multiply(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[3 * r + k]! * b[3 * k + c]!;
      out[3 * r + c] = s;
    }
  }
  return out;
}
