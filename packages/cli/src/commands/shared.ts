import type { BackendChoice } from '@sim2real/tensor';
import type { SkippedFile } from '@sim2real/imaging';
import { UsageError } from '../errors.js';

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Validates `--backend` / `TFJS_BACKEND`; undefined means auto. */
export function backendChoice(raw: string | undefined, command: string): BackendChoice {
  if (raw === undefined || raw === '') return 'auto';
  if ((BACKENDS as readonly string[]).includes(raw)) return raw as BackendChoice;
  throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${raw}".`, command);
}

/** The closing sentence about skipped inputs, with the list. */
export function reportSkipped(skipped: readonly SkippedFile[]): string {
  const list = skipped.map((s) => `  ${s.file}: ${s.reason}`).join('\n');
  return `${skipped.length} input file${skipped.length === 1 ? ' was' : 's were'} skipped:\n${list}`;
}
