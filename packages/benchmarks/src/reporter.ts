import { Progress } from '@sim2real/progress';
import type { BenchIo } from './io.js';

/** Where a benchmark's progress and warnings go: the terminal or log of this process, or a worker's parent. */
export interface Reporter {
  /** A progress line for `total` items of `unit` (`update`, then `finish`). */
  progress(label: string, total: number, unit: string): Progress;
  warn(message: string): void;
}

/** Progress and warnings on `io.stderr`: a redrawn bar on a terminal, JSON lines otherwise. */
export function stderrReporter(io: Pick<BenchIo, 'stderr' | 'interactive'>): Reporter {
  return {
    progress: (label, total, unit) => new Progress({ label, total, unit, stream: io.stderr, interactive: io.interactive }),
    warn: (message) => io.stderr.write(`${io.interactive ? '\n' : ''}warning: ${message}\n`),
  };
}
