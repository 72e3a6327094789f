import type { SeededRandom } from '@sim2real/random';

/** Averages factor × factor blocks of a (size·factor)² × channels float image. */
export function downsample(src: Float32Array, size: number, factor: number, channels: number): Float32Array {
  const big = size * factor;
  const out = new Float32Array(size * size * channels);
  const norm = 1 / (factor * factor);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = (y * factor + dy) * big;
          for (let dx = 0; dx < factor; dx++) s += src[(row + x * factor + dx) * channels + c]!;
        }
        out[(y * size + x) * channels + c] = s * norm;
      }
    }
  }
  return out;
}

/** Separable Gaussian blur of a size² × 3 float image, edges clamped. */
export function gaussianBlur(img: Float32Array, size: number, sigmaPx: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
    kernel[i + radius] = w;
    total += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let i = -radius; i <= radius; i++) {
            const xx = horizontal ? Math.min(size - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(size - 1, Math.max(0, y + i));
            s += kernel[i + radius]! * src[3 * (yy * size + xx) + c]!;
          }
          dst[3 * (y * size + x) + c] = s;
        }
      }
    }
    return dst;
  };
  return pass(pass(img, true), false);
}

/** A camera's finish: white balance and contrast shifts, vignetting, then sensor noise. In place. */
export function cameraFinish(img: Float32Array, size: number, rng: SeededRandom): void {
  const gains = [rng.uniform(0.88, 1.12), rng.uniform(0.92, 1.08), rng.uniform(0.85, 1.15)];
  const contrast = rng.uniform(0.85, 1.2);
  const brightness = rng.uniform(-0.06, 0.06);
  const vignette = rng.uniform(0, 0.35);
  const noise = rng.uniform(0.01, 0.04);
  const half = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r2 = ((x + 0.5 - half) ** 2 + (y + 0.5 - half) ** 2) / (2 * half * half);
      const fall = 1 - vignette * r2;
      for (let c = 0; c < 3; c++) {
        const o = 3 * (y * size + x) + c;
        const v = (img[o]! * gains[c]! - 0.5) * contrast + 0.5 + brightness;
        img[o] = v * fall + noise * rng.normal();
      }
    }
  }
}

/** Float [0, 1] RGB to bytes, clamped and rounded. */
export function toBytes(img: Float32Array): Uint8Array {
  const out = new Uint8Array(img.length);
  for (let i = 0; i < img.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, img[i]!)) * 255);
  return out;
}
