import { fileURLToPath } from 'node:url';
import { loadBackgrounds, renderFace, type FaceSample } from '@sim2real/face-synth';
import { fromModelOutput, makeGrid, maskToGrey, toModelInput, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import { resolveTranslationConfig, type PresetName, type TranslationConfig, type TranslationOptions, type Translator } from '@sim2real/translation';
import type { CommandContext, ParsedOptions } from '../command.js';
import { optionalString } from '../options.js';
import { Progress } from '../progress.js';

/** `--photos`, then `SIM2REAL_PHOTOS_DIR`, then the shared photo folder beside the repository. */
export function photosDir(options: ParsedOptions, env: NodeJS.ProcessEnv): string {
  return (
    optionalString(options, 'photos') ??
    (env.SIM2REAL_PHOTOS_DIR || fileURLToPath(new URL('../../../../../shared/data/photos', import.meta.url)))
  );
}

/** What the small sim → real face translator is sized by. */
export interface FaceTranslatorOptions {
  /** Image width and height in pixels. */
  size: number;
  /** Translation training steps. @default the preset's */
  steps?: number;
  /** The preset to train with. @default 'faces' */
  preset?: PresetName;
  seed: number;
  /** Further model options over the preset's (bench faces --translator-config). */
  extra?: TranslationOptions;
}

/** The small face translator (bench and demo): the 'faces' preset (or the one named) at the caller's size, steps and seed. */
export function faceTranslatorConfig(options: FaceTranslatorOptions): TranslationConfig {
  return resolveTranslationConfig({
    preset: options.preset ?? 'faces',
    imageSize: options.size,
    steps: options.steps,
    seed: options.seed,
    ...options.extra,
  });
}

/** G(x) and A(x) for every image, in chunks of 32. */
export async function translateAll(
  translator: Translator,
  images: readonly RgbImage[],
  ctx: CommandContext,
): Promise<{ output: RgbImage[]; attention: GreyImage[] }> {
  const progress = new Progress({ label: 'translate', total: images.length, stream: ctx.stderr, interactive: ctx.interactive, unit: 'img' });
  const output: RgbImage[] = [];
  const attention: GreyImage[] = [];
  for (let start = 0; start < images.length; start += 32) {
    ctx.signal.throwIfAborted();
    const input = await toModelInput(images.slice(start, start + 32), translator.imageSize);
    const result = translator.translate(input);
    output.push(...fromModelOutput(result.output));
    attention.push(...maskToGrey(result.attention));
    tf.dispose([input, result.output, result.initial, result.attention]);
    progress.update(output.length);
  }
  progress.finish();
  return { output, attention };
}

/** Rows of sim | translated | attention | the real-style render of the same face. */
export async function faceStrip(
  sim: readonly FaceSample[],
  translated: { output: readonly RgbImage[]; attention: readonly GreyImage[] },
  config: { photosDir: string; size: number },
): Promise<RgbImage> {
  const backgrounds = await loadBackgrounds(config.photosDir);
  const rows: (RgbImage | GreyImage)[][] = [];
  for (let i = 0; i < Math.min(6, sim.length); i++) {
    const face = sim[i]!;
    const twin = await renderFace({ ...face.params, style: 'real', size: config.size, seed: face.params.seed, backgrounds });
    rows.push([face.image, translated.output[i]!, translated.attention[i]!, twin.image]);
  }
  return makeGrid(rows, { cellSize: Math.max(64, config.size), gap: 2 });
}
