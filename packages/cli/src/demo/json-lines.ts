/** A child's JSON log line as an object; undefined for any other line. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A number for a status line; "-" when there is none yet. */
export const fixed = (value: unknown, digits = 3): string => num(value)?.toFixed(digits) ?? '-';

/** A promise resolved by the first line `match` accepts. */
export function lineWaiter<T>(match: (line: string) => T | undefined): { onLine: (line: string) => void; found: Promise<T> } {
  let resolve!: (value: T) => void;
  let done = false;
  const found = new Promise<T>((r) => (resolve = r));
  return {
    found,
    onLine: (line) => {
      if (done) return;
      const value = match(line);
      if (value !== undefined) {
        done = true;
        resolve(value);
      }
    },
  };
}
