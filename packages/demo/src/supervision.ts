import type { Child, ChildExit } from './children.js';

/** A child that ended when it should not have. */
export class ChildFailedError extends Error {
  override readonly name = 'ChildFailedError';
  constructor(
    readonly child: string,
    readonly exit: ChildExit,
    tail: string,
    logFile: string,
  ) {
    super(`${child} ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} (log: ${logFile})${tail ? `:\n${tail}` : ''}`);
  }
}

/**
 * The first thing that ends a run early: an abort (Ctrl-C, SIGTERM) or a child that exits when it should not.
 * Every wait of the run races against it, so nothing waits on a process that is gone.
 */
export class Supervision {
  readonly #failed: Promise<never>;
  #reject!: (error: unknown) => void;
  #stopping = false;

  constructor(signal: AbortSignal) {
    this.#failed = new Promise<never>((_, reject) => (this.#reject = reject));
    this.#failed.catch(() => undefined);
    if (signal.aborted) this.#reject(signal.reason);
    else signal.addEventListener('abort', () => this.#reject(signal.reason), { once: true });
  }

  /** Services must run until the shutdown; jobs (`mayFinish`) may also exit with code 0. */
  watch(child: Child, options: { mayFinish?: boolean } = {}): void {
    void child.exited.then((exit) => {
      if (this.#stopping || (options.mayFinish && exit.code === 0)) return;
      this.#reject(new ChildFailedError(child.name, exit, child.tail(), child.logFile));
    });
  }

  /** Ends the run with `error` (a child that reported what the demo cannot follow). */
  fail(error: Error): void {
    this.#reject(error);
  }

  /** `work`, unless the run fails first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.#failed]);
  }

  /** From now on exits are expected. */
  stopping(): void {
    this.#stopping = true;
  }
}
