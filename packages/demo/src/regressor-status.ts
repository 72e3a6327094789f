import type { ChildEvent } from './child-events.js';

/** A figure for a status line; "-" when there is none yet. */
const fixed = (value: number | undefined, digits = 3): string => value?.toFixed(digits) ?? '-';

/**
 * Follows a `sim2real regress` child's events: its progress (batches, steps, loss), its evaluations and the final
 * stats. `onEvent` returns the new status text when something changed.
 */
export class RegressorStatus {
  #batches = 0;
  #steps: number | undefined;
  #loss: number | undefined;
  #mse: number | undefined;

  constructor(private readonly totalBatches: number) {}

  /** The last test MSE it reported. */
  get mse(): number | undefined {
    return this.#mse;
  }

  onEvent(event: ChildEvent): string | undefined {
    if (event.event === 'progress') {
      this.#batches = event.done;
      this.#steps = numberOrUndefined(event.fields.steps);
      this.#loss = numberOrUndefined(event.fields.loss);
    } else if (event.event === 'regressor.eval') this.#mse = event.mse;
    else if (event.event === 'regress.done') this.#mse = event.lastEvalMse ?? this.#mse;
    else return undefined;
    return `batches ${this.#batches}/${this.totalBatches} · steps ${this.#steps ?? 0} · loss ${fixed(this.#loss)} · test MSE ${fixed(this.#mse)}`;
  }
}

const numberOrUndefined = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
