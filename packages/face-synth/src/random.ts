import { mixSeed } from '@sim2real/random';

/** Smooth 3D value noise in [-1, 1] on an integer lattice hashed with `seed` (skin and hair texture). */
export function valueNoise3(x: number, y: number, z: number, seed: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const zi = Math.floor(z);
  const fx = smooth(x - xi);
  const fy = smooth(y - yi);
  const fz = smooth(z - zi);
  const corner = (dx: number, dy: number, dz: number): number =>
    (mixSeed(seed, xi + dx, yi + dy, zi + dz) / 4294967296) * 2 - 1;
  const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
  const x00 = lerp(corner(0, 0, 0), corner(1, 0, 0), fx);
  const x10 = lerp(corner(0, 1, 0), corner(1, 1, 0), fx);
  const x01 = lerp(corner(0, 0, 1), corner(1, 0, 1), fx);
  const x11 = lerp(corner(0, 1, 1), corner(1, 1, 1), fx);
  return lerp(lerp(x00, x10, fy), lerp(x01, x11, fy), fz);
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}
