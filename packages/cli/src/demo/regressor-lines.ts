import { fixed, jsonLine, num } from './json-lines.js';

/**
 * Follows a `sim2real regress` child's output: its progress lines (batches, steps, loss), its evaluations and
 * the final stats. `onLine` returns the new status text when something changed.
 */
export class RegressorLines {
  #progress: Record<string, unknown> = {};
  #mse: number | undefined;

  constructor(private readonly totalBatches: number) {}

  /** The last test MSE it reported. */
  get mse(): number | undefined {
    return this.#mse;
  }

  onLine(line: string): string | undefined {
    const event = jsonLine(line);
    if (event?.event === 'progress') this.#progress = event;
    else if (event?.event === 'regressor.eval') this.#mse = num(event.mse);
    else if (event?.event === 'regress.done') this.#mse = num(event.lastEvalMse) ?? this.#mse;
    else return undefined;
    const p = this.#progress;
    return `batches ${num(p.done) ?? 0}/${this.totalBatches} · steps ${num(p.steps) ?? 0} · loss ${fixed(p.loss)} · test MSE ${fixed(this.#mse)}`;
  }
}
