import type { SeededRandom } from '@sim2real/random';
import { valueNoise3 } from './random.js';

export type Rgb = [number, number, number];

/** Surface regions, painted on the reference sphere so they move with the shape. */
export const Region = { Skin: 0, Hair: 1, Brow: 2, Sclera: 3, Iris: 4, Pupil: 5, Lips: 6, Nostril: 7 } as const;
export type Region = (typeof Region)[keyof typeof Region];

/** Colours and surface properties of one face; `sim` has one fixed palette, `real` draws one per face. */
export interface Palette {
  readonly colours: readonly Rgb[];
  /** Specular weight per region (0 for the `sim` style: Lambertian only). */
  readonly specular: readonly number[];
  readonly shininess: readonly number[];
  /** Seed of the skin and hair texture; undefined for flat albedo. */
  readonly textureSeed?: number;
}

export function regionAt(dx: number, dy: number, dz: number): Region {
  const hairline = 0.08 + 0.44 * dz - 0.05 * dz * dz;
  if (dy > hairline && !(dz > 0.2 && Math.abs(dx) > 0.7 && dy < 0.35)) return Region.Hair;
  if (dz < 0.3) return Region.Skin;
  const u = Math.abs(dx);
  const v = dy;
  const eye = sq((u - 0.3) / 0.085) + sq((v - 0.115) / 0.04);
  if (eye < 1) {
    const iris = sq((u - 0.3) / 0.036) + sq((v - 0.115) / 0.036);
    if (iris < 0.18) return Region.Pupil;
    return iris < 1 ? Region.Iris : Region.Sclera;
  }
  const arch = 0.245 + 0.025 * (1 - sq((u - 0.3) / 0.14));
  if (sq((u - 0.3) / 0.14) + sq((v - arch) / 0.022) < 1) return Region.Brow;
  if (sq(dx / 0.12) + sq((v + 0.475) / (0.055 * (1 - 0.5 * sq(dx / 0.12)))) < 1) return Region.Lips;
  if (sq((u - 0.06) / 0.022) + sq((v + 0.29) / 0.013) < 1) return Region.Nostril;
  return Region.Skin;
}

function sq(x: number): number {
  return x * x;
}

/** The cheap renderer's look: one flat colour per region, no highlights. */
export const SIM_PALETTE: Palette = {
  colours: [
    [0.82, 0.66, 0.55],
    [0.26, 0.19, 0.13],
    [0.3, 0.22, 0.16],
    [0.92, 0.92, 0.9],
    [0.32, 0.22, 0.13],
    [0.05, 0.05, 0.05],
    [0.72, 0.42, 0.42],
    [0.35, 0.22, 0.2],
  ],
  specular: [0, 0, 0, 0, 0, 0, 0, 0],
  shininess: [1, 1, 1, 1, 1, 1, 1, 1],
};

/** Background of the `sim` style: one plain colour. */
export const SIM_BACKGROUND: Rgb = [0.42, 0.45, 0.5];

const SKIN_LIGHT: Rgb = [0.96, 0.8, 0.7];
const SKIN_DARK: Rgb = [0.42, 0.28, 0.2];
const HAIR: readonly Rgb[] = [
  [0.05, 0.04, 0.035],
  [0.22, 0.14, 0.08],
  [0.45, 0.3, 0.16],
  [0.75, 0.6, 0.38],
  [0.5, 0.2, 0.08],
  [0.55, 0.55, 0.55],
];
const IRIS: readonly Rgb[] = [
  [0.3, 0.18, 0.08],
  [0.25, 0.4, 0.6],
  [0.3, 0.42, 0.25],
];

/** A `real` face: skin tone, hair and eye colour drawn per face, textured, with highlights. */
export function realPalette(rng: SeededRandom): Palette {
  const t = rng.next();
  const skin = mix(SKIN_LIGHT, SKIN_DARK, t);
  const flush = rng.uniform(0.95, 1.08);
  const tone: Rgb = [skin[0] * flush, skin[1], skin[2] * rng.uniform(0.92, 1.05)];
  const hair = scale(HAIR[rng.int(HAIR.length)]!, rng.uniform(0.8, 1.15));
  const lips = [tone[0] * 0.86, tone[1] * 0.55, tone[2] * 0.58] as Rgb;
  return {
    colours: [
      tone,
      hair,
      mix(hair, [0.1, 0.07, 0.05], 0.4),
      [0.9, 0.87, 0.84],
      IRIS[rng.int(IRIS.length)]!,
      [0.02, 0.02, 0.02],
      lips,
      scale(tone, 0.45),
    ],
    specular: [rng.uniform(0.12, 0.3), 0.08, 0.05, 0.6, 0.6, 0.8, rng.uniform(0.2, 0.4), 0],
    shininess: [rng.uniform(12, 30), 8, 4, 60, 60, 80, 30, 1],
    textureSeed: rng.int(2 ** 31),
  };
}

/** Writes the albedo at a surface point into `out` (3 values) and returns its region. */
export function albedoAt(dx: number, dy: number, dz: number, palette: Palette, out: Float32Array): Region {
  const region = regionAt(dx, dy, dz);
  const colour = palette.colours[region]!;
  let r = colour[0];
  let g = colour[1];
  let b = colour[2];
  const seed = palette.textureSeed;
  if (seed !== undefined) {
    if (region === Region.Hair || region === Region.Brow) {
      // Strands: fast variation around the head, slow from crown to neck.
      const phi = Math.atan2(dx, dz);
      const strand = 1 + 0.35 * valueNoise3(phi * 30, dy * 3, 0, seed) + 0.15 * valueNoise3(phi * 90, dy * 8, 1, seed);
      r *= strand;
      g *= strand;
      b *= strand;
    } else if (region === Region.Skin || region === Region.Lips) {
      const pores = 0.035 * valueNoise3(dx * 25, dy * 25, dz * 25, seed) + 0.08 * valueNoise3(dx * 9, dy * 9, dz * 9, seed + 1);
      const cheeks = 0.1 * Math.exp(-0.5 * (sq((Math.abs(dx) - 0.4) / 0.12) + sq((dy + 0.15) / 0.1)));
      const noseTip = 0.08 * Math.exp(-0.5 * (sq(dx / 0.06) + sq((dy + 0.24) / 0.06)));
      const blush = cheeks + noseTip;
      r *= 1 + pores + blush * 0.3;
      g *= 1 + pores - blush * 0.5;
      b *= 1 + pores - blush * 0.4;
    }
  }
  out[0] = r;
  out[1] = g;
  out[2] = b;
  return region;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function scale(a: Rgb, s: number): Rgb {
  return [a[0] * s, a[1] * s, a[2] * s];
}
