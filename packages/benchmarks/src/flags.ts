import { DEFAULT_PHOTOS_DIR, PHOTOS_DIR_ENV } from '@sim2real/datasets';
import { FlagError, defineFlags } from '@sim2real/flags';
import { BACKEND_CHOICES } from '@sim2real/tensor';
import { ConfigError, readTranslationOptions, type TranslationOptions } from '@sim2real/translation';

/** The flags both benchmarks share: data, weights, backend and further translator options. */
export const SHARED_FLAGS = defineFlags({
  'translator-config': {
    kind: 'string',
    value: 'FILE',
    help: "JSON object of further translator options (as 'sim2real train --config'), over the preset's",
  },
  photos: { kind: 'string', value: 'DIR', help: 'photos the real-looking domain is made from', env: PHOTOS_DIR_ENV, default: DEFAULT_PHOTOS_DIR, defaultText: '../shared/data/photos' },
  vgg: { kind: 'string', value: 'DIR', help: 'VGG-19 weights for the translator (without them it trains degraded)', env: 'SIM2REAL_VGG_DIR' },
  backend: { kind: 'string', value: 'NAME', help: 'tfjs backend', choices: BACKEND_CHOICES, env: 'TFJS_BACKEND', default: 'auto' },
});

/** `--translator-config FILE`'s options, or none; an unreadable file or one without a JSON object is a `FlagError`. */
export async function translatorOptions(file: string | undefined): Promise<TranslationOptions> {
  if (file === undefined) return {};
  try {
    return await readTranslationOptions(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new FlagError(`--translator-config ${error.message}`, 'translator-config');
    throw error;
  }
}

/** `value`, or the quick or full run's default: what a flag whose default depends on `--quick` resolves to. */
export function orSized<T>(value: T | undefined, quick: boolean, sizes: { readonly full: T; readonly quick: T }): T {
  return value ?? (quick ? sizes.quick : sizes.full);
}
