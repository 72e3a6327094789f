/** Extra figures shown beside the count (losses, λ, skipped files ...). */
export type ProgressFields = Record<string, string | number>;

export interface ProgressOptions {
  /** What is being counted, e.g. "train" or "translate". */
  readonly label: string;
  readonly total: number;
  readonly stream: NodeJS.WritableStream;
  /** Redraw one line with a bar (terminal) or print one JSON line per interval (logs, CI). */
  readonly interactive: boolean;
  /** Minimum time between two JSON lines. @default 5000 */
  readonly intervalMs?: number;
  /** Units of the rate. @default "it" */
  readonly unit?: string;
  readonly now?: () => number;
}

/** A progress line with rate and ETA: a redrawn bar on a terminal, JSON lines otherwise. */
export class Progress {
  private readonly startedAt: number;
  private readonly now: () => number;
  private lastPrintAt = -Infinity;
  private done = 0;
  private fields: ProgressFields = {};

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
  }

  /** Sets the count of finished items (absolute, so a resumed job can start above 0). */
  update(done: number, fields: ProgressFields = {}): void {
    this.done = done;
    this.fields = { ...this.fields, ...fields };
    const interval = this.options.interactive ? 100 : (this.options.intervalMs ?? 5000);
    if (this.now() - this.lastPrintAt >= interval || done >= this.options.total) this.print();
  }

  /** Prints the final line. */
  finish(fields: ProgressFields = {}): void {
    this.fields = { ...this.fields, ...fields };
    this.print();
    if (this.options.interactive) this.options.stream.write('\n');
  }

  private print(): void {
    this.lastPrintAt = this.now();
    const { label, total, unit = 'it' } = this.options;
    const elapsedS = (this.lastPrintAt - this.startedAt) / 1000;
    const rate = elapsedS > 0 ? this.done / elapsedS : 0;
    const etaS = rate > 0 ? Math.max(0, (total - this.done) / rate) : undefined;
    if (!this.options.interactive) {
      const line = { event: 'progress', label, done: this.done, total, rate: round(rate), unit, etaS: etaS && Math.round(etaS), ...this.fields };
      this.options.stream.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const width = 24;
    const filled = total > 0 ? Math.min(width, Math.round((this.done / total) * width)) : 0;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const extras = Object.entries(this.fields)
      .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`)
      .join(' ');
    const eta = etaS === undefined ? '--:--' : formatDuration(etaS);
    this.options.stream.write(`\r\x1b[2K${label} ${bar} ${this.done}/${total} ${round(rate)} ${unit}/s ETA ${eta} ${extras}`);
  }
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
}

/** `75` → `1:15`, `3725` → `1:02:05`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}
