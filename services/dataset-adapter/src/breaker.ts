/** A promise and its resolve function (Promise.withResolvers is Node 22+). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Options of a CircuitBreaker. */
export interface CircuitBreakerOptions {
  /** Wait after the first failure; doubles per consecutive failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Each wait is multiplied by a factor drawn from [1 - jitter, 1 + jitter]. */
  readonly jitter: number;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * Stops work while a dependency is unavailable. Closed: everyone passes. After a failure it opens for a delay
 * that grows with each consecutive failure (with jitter, so replicas do not probe in step); when the delay is
 * over, one caller passes as the probe and the others wait for its verdict. `success()` closes it again.
 * Every caller that passed must report `success()`, `failure()` or `release()`.
 */
export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  #probing = false;
  #changed = deferred();

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** Consecutive failures; 0 = closed. */
  get failures(): number {
    return this.#failures;
  }

  /** Whether callers are being held back now. */
  get open(): boolean {
    return this.#failures > 0;
  }

  /**
   * Resolves when the caller may try: to false while closed, to true for the probe after a wait. Rejects when
   * `abort` aborts.
   */
  async pass(abort: AbortSignal): Promise<boolean> {
    for (;;) {
      abort.throwIfAborted();
      if (this.#failures === 0) return false;
      const waitMs = this.#openUntil - Date.now();
      if (waitMs <= 0 && !this.#probing) {
        this.#probing = true;
        return true;
      }
      await this.#wait(waitMs > 0 ? waitMs : undefined, abort);
    }
  }

  /** The dependency answered: close. */
  success(): void {
    this.#failures = 0;
    this.#probing = false;
    this.#notify();
  }

  /**
   * A try failed. The probe's failure, or the first while closed, opens the breaker for the next, longer delay and
   * returns it in ms; a failure of a try that started before a sibling opened it changes nothing (returns 0).
   */
  failure(probe: boolean): number {
    if (!probe && this.#failures > 0) return 0;
    this.#failures += 1;
    this.#probing = false;
    const base = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(30, this.#failures - 1));
    const factor = 1 + this.options.jitter * (2 * (this.options.random ?? Math.random)() - 1);
    const delayMs = Math.max(1, Math.round(base * factor));
    this.#openUntil = Date.now() + delayMs;
    this.#notify();
    return delayMs;
  }

  /** A caller that passed gives up without a verdict (e.g. on stop): another may probe. */
  release(probe: boolean): void {
    if (!probe || !this.#probing) return;
    this.#probing = false;
    this.#notify();
  }

  #notify(): void {
    this.#changed.resolve();
    this.#changed = deferred();
  }

  async #wait(ms: number | undefined, abort: AbortSignal): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        this.#changed.promise,
        ms === undefined ? new Promise<never>(() => undefined) : new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
        new Promise<void>((resolve) => {
          onAbort = resolve;
          abort.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) abort.removeEventListener('abort', onAbort);
    }
  }
}
