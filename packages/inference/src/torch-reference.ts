import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TranslationConfig } from '@sim2real/translation';

/** What `ref_torch.py --no-train` prints (one JSON line). */
export interface TorchReference {
  framework: string;
  threads: number;
  translateImagesPerSecond: number;
}

/** The reference's outcome: its figures, or why it did not run. */
export type TorchReferenceResult = { ok: true; reference: TorchReference } | { ok: false; skipped: string };

/** Where and how to run the reference. */
export interface TorchReferenceOptions {
  /** `ref_torch.py` (DESIGN.md "Speed references"). */
  script: string;
  /** Python interpreters tried in order; the first that imports torch runs it. */
  pythons: readonly string[];
  /** Torch intra-op threads. @default 2 */
  threads?: number;
  /** Timed iterations. @default 3 */
  iters?: number;
  signal?: AbortSignal;
}

const run = promisify(execFile);

/** The first interpreter of `pythons` that imports torch, or undefined. */
async function pythonWithTorch(pythons: readonly string[]): Promise<string | undefined> {
  for (const python of pythons) {
    try {
      await run(python, ['-c', 'import torch'], { timeout: 60_000 });
      return python;
    } catch {
      // next candidate
    }
  }
  return undefined;
}

/**
 * Runs the PyTorch reference of the same network (G0 + attention as configured; forward only) on `batch` images in
 * a child process and returns its images/s. Skipped, with the reason, where no interpreter imports torch
 * (Debian: apt-get install python3-torch) or the script fails.
 */
export async function runTorchReference(config: TranslationConfig, batch: number, options: TorchReferenceOptions): Promise<TorchReferenceResult> {
  const python = await pythonWithTorch(options.pythons);
  if (python === undefined) return { ok: false, skipped: `no Python with torch among ${options.pythons.join(', ')} (Debian: apt-get install python3-torch)` };
  const args = [
    options.script,
    '--no-train',
    ...['--size', config.imageSize, '--ngf', config.generatorWidth, '--blocks', config.residualBlocks, '--attention-width', config.attentionWidth].map(String),
    ...['--upsampling', config.upsampling, '--batch', String(batch), '--threads', String(options.threads ?? 2), '--iters', String(options.iters ?? 3)],
    ...(config.attention ? [] : ['--no-attention']),
  ];
  try {
    const { stdout } = await run(python, args, { signal: options.signal, maxBuffer: 1 << 20 });
    const line = stdout.trim().split('\n').at(-1) ?? '';
    const parsed = JSON.parse(line) as { framework: string; threads: number; translate_img_per_s: number };
    return { ok: true, reference: { framework: parsed.framework, threads: parsed.threads, translateImagesPerSecond: parsed.translate_img_per_s } };
  } catch (error) {
    return { ok: false, skipped: `ref_torch.py failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}
