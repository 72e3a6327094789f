import { ImageShapeError } from './errors.js';
import { channelsOf, type AnyImage, type RgbImage } from './image.js';

/** Colour stops of the heat scale, from mask value 0 (dark blue) through purple and red to 1 (pale yellow). */
const HEAT_STOPS: readonly (readonly [number, number, number])[] = [
  [16, 16, 96],
  [120, 28, 140],
  [220, 50, 40],
  [250, 160, 20],
  [255, 250, 170],
];

/** The heat-scale colour of `value` in [0, 1] (clamped), as RGB bytes. */
export function heatColor(value: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, value)) * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = HEAT_STOPS[i]!;
  const b = HEAT_STOPS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

/**
 * An attention mask drawn as a heat overlay on its input: each pixel blends the input with the heat colour of the
 * mask value there (`opacity` of colour). The mask may be grey or RGB (its first channel is read); it must have
 * the input's size.
 * @param opacity 0–1 @default 0.55
 */
export function heatOverlay(input: RgbImage, mask: AnyImage, opacity = 0.55): RgbImage {
  if (mask.width !== input.width || mask.height !== input.height) {
    throw new ImageShapeError(`The mask is ${mask.width}×${mask.height} but the input is ${input.width}×${input.height}.`);
  }
  if (channelsOf(input) !== 3) throw new ImageShapeError('heatOverlay needs an RGB input image.');
  const maskChannels = channelsOf(mask);
  const data = new Uint8Array(input.data.length);
  for (let p = 0; p < input.width * input.height; p++) {
    const color = heatColor(mask.data[p * maskChannels]! / 255);
    for (let k = 0; k < 3; k++) data[p * 3 + k] = Math.round(input.data[p * 3 + k]! * (1 - opacity) + color[k]! * opacity);
  }
  return { width: input.width, height: input.height, data };
}
