/** User + system CPU seconds of a `process.cpuUsage()` difference, to 0.1 s. */
export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1e5) / 10;
}

const addTenths = (total: number | undefined, seconds: number): number => Math.round(((total ?? 0) + seconds) * 10) / 10;

/**
 * Wall and CPU time of the named phases of a benchmark (seconds, one decimal), summed when a phase runs
 * again. On a shared machine wall time says little; CPU time is what the phase would take alone.
 */
export class PhaseTimer {
  readonly seconds: Record<string, number> = {};
  readonly cpuSeconds: Record<string, number> = {};

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    try {
      return await work();
    } finally {
      this.seconds[phase] = addTenths(this.seconds[phase], (performance.now() - started) / 1000);
      this.cpuSeconds[phase] = addTenths(this.cpuSeconds[phase], cpuSeconds(process.cpuUsage(cpuStarted)));
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
