/** Triangles already projected to the screen, plus per-vertex attributes to interpolate. */
export interface RasterInput {
  readonly width: number;
  readonly height: number;
  /** Screen x, y (pixels, y down, pixel centres at +0.5) and depth (larger = farther), per vertex. */
  readonly screen: Float32Array;
  readonly triangles: Uint32Array;
  /** `attributeCount` values per vertex (normals, surface coordinates ...). */
  readonly attributes: Float32Array;
  readonly attributeCount: number;
}

/** A G-buffer: which pixels the mesh covers and its interpolated attributes there. */
export interface RasterOutput {
  /** 1 where a triangle covers the pixel centre, 0 elsewhere. */
  readonly coverage: Uint8Array;
  /** `attributeCount` values per pixel (0 where not covered). */
  readonly attributes: Float32Array;
}

/**
 * A z-buffer rasterizer: back faces culled, barycentric fill of pixel centres, nearest depth wins. Attributes are
 * interpolated once per visible pixel, linearly in screen space (the camera is far enough for that to be exact to
 * well under a pixel).
 */
export function rasterize(input: RasterInput): RasterOutput {
  const { width, height, screen, triangles, attributes, attributeCount } = input;
  const pixels = width * height;
  const depth = new Float32Array(pixels).fill(Infinity);
  const triangleOf = new Int32Array(pixels).fill(-1);
  const bary = new Float32Array(pixels * 2);

  for (let t = 0; t < triangles.length; t += 3) {
    const i0 = triangles[t]!;
    const i1 = triangles[t + 1]!;
    const i2 = triangles[t + 2]!;
    const x0 = screen[3 * i0]!;
    const y0 = screen[3 * i0 + 1]!;
    const x1 = screen[3 * i1]!;
    const y1 = screen[3 * i1 + 1]!;
    const x2 = screen[3 * i2]!;
    const y2 = screen[3 * i2 + 1]!;
    // Counter-clockwise from outside in y-up space turns clockwise on the y-down screen: negative area = front.
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (!(area < 0)) continue;
    const z0 = screen[3 * i0 + 2]!;
    const z1 = screen[3 * i1 + 2]!;
    const z2 = screen[3 * i2 + 2]!;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const maxX = Math.min(width - 1, Math.ceil(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const maxY = Math.min(height - 1, Math.ceil(Math.max(y0, y1, y2)));
    const inv = 1 / area;
    for (let py = minY; py <= maxY; py++) {
      const cy = py + 0.5;
      for (let px = minX; px <= maxX; px++) {
        const cx = px + 0.5;
        const w0 = ((x1 - cx) * (y2 - cy) - (x2 - cx) * (y1 - cy)) * inv;
        const w1 = ((x2 - cx) * (y0 - cy) - (x0 - cx) * (y2 - cy)) * inv;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * z0 + w1 * z1 + w2 * z2;
        const p = py * width + px;
        if (z >= depth[p]!) continue;
        depth[p] = z;
        triangleOf[p] = t;
        bary[2 * p] = w0;
        bary[2 * p + 1] = w1;
      }
    }
  }

  const coverage = new Uint8Array(pixels);
  const out = new Float32Array(pixels * attributeCount);
  for (let p = 0; p < pixels; p++) {
    const t = triangleOf[p]!;
    if (t < 0) continue;
    coverage[p] = 1;
    const w0 = bary[2 * p]!;
    const w1 = bary[2 * p + 1]!;
    const w2 = 1 - w0 - w1;
    const a0 = triangles[t]! * attributeCount;
    const a1 = triangles[t + 1]! * attributeCount;
    const a2 = triangles[t + 2]! * attributeCount;
    for (let a = 0; a < attributeCount; a++) {
      out[p * attributeCount + a] = w0 * attributes[a0 + a]! + w1 * attributes[a1 + a]! + w2 * attributes[a2 + a]!;
    }
  }
  return { coverage, attributes: out };
}
