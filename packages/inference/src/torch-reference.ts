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
  /** Python interpreters tried in order; the first that has torch runs it. */
  pythons: readonly string[];
  /** Torch intra-op threads. @default 2 */
  threads?: number;
  /** Timed iterations. @default 3 */
  iters?: number;
  signal?: AbortSignal;
}

const run = promisify(execFile);

/**
 * Runs the PyTorch reference of the same network (G0 + attention as configured; forward only) on `batch` images in
 * a child process and returns its images/s. Skipped, with the reason, where no interpreter has torch (Debian:
 * apt-get install python3-torch) or the script fails. No time limit: on a loaded machine importing torch alone can
 * take minutes.
 */
export async function runTorchReference(config: TranslationConfig, batch: number, options: TorchReferenceOptions): Promise<TorchReferenceResult> {
  const args = [
    options.script,
    '--no-train',
    ...['--size', config.imageSize, '--ngf', config.generatorWidth, '--blocks', config.residualBlocks, '--attention-width', config.attentionWidth].map(String),
    ...['--upsampling', config.upsampling, '--batch', String(batch), '--threads', String(options.threads ?? 2), '--iters', String(options.iters ?? 3)],
    ...(config.attention ? [] : ['--no-attention']),
  ];
  let reason = `no Python with torch among ${options.pythons.join(', ')} (Debian: apt-get install python3-torch)`;
  for (const python of options.pythons) {
    try {
      const { stdout } = await run(python, args, { signal: options.signal, maxBuffer: 1 << 20 });
      const line = stdout.trim().split('\n').at(-1) ?? '';
      const parsed = JSON.parse(line) as { framework: string; threads: number; translate_img_per_s: number };
      return { ok: true, reference: { framework: parsed.framework, threads: parsed.threads, translateImagesPerSecond: parsed.translate_img_per_s } };
    } catch (error) {
      const { stderr = '' } = error as { stderr?: string };
      const missing = /No module named 'torch'/.test(stderr) || (error as { code?: unknown }).code === 'ENOENT';
      // An interpreter without torch: try the next; any other failure is the reference's own.
      if (!missing) {
        reason = `ref_torch.py failed under ${python}: ${(stderr.trim().split('\n').at(-1) ?? String(error)).slice(0, 200)}`;
        break;
      }
    }
  }
  return { ok: false, skipped: reason };
}
