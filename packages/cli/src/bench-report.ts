/** Wall time of the named phases of a benchmark (seconds, one decimal), summed when a phase runs again. */
export class PhaseTimer {
  readonly seconds: Record<string, number> = {};

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const spent = (performance.now() - started) / 1000;
      this.seconds[phase] = Math.round(((this.seconds[phase] ?? 0) + spent) * 10) / 10;
    }
  }
}

/** A plain-text table, two spaces between columns: numeric columns right-aligned, the others left-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => /^[-+\d.,±% ]+$/.test(row[c] ?? '')));
  const line = (row: readonly string[]): string =>
    widths.map((w, c) => (numeric[c] ? (row[c] ?? '').padStart(w) : (row[c] ?? '').padEnd(w))).join('  ').trimEnd();
  return `${all.map(line).join('\n')}\n`;
}
