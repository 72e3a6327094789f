import { setTimeout as sleep } from 'node:timers/promises';
import { CHAOS_TARGETS, type ChaosTarget, type Fault, type FaultKind } from './schedule.js';

/** A process the supervisor can kill, freeze and start again. */
export interface ManagedProcess {
  /** Process id while it runs. */
  readonly pid: number | undefined;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Starts it again (same port, same store); rejects when it does not come up. */
  restart(): Promise<void>;
}

/** A fault as it happened. */
export interface AppliedFault {
  readonly target: ChaosTarget;
  readonly kind: FaultKind;
  readonly plannedAtMs: number;
  readonly atMs: number;
  readonly durationMs: number;
  /** From the restart (or SIGCONT) to the process serving again. */
  readonly recoveryMs: number;
  /** Start attempts that failed before it came up (e.g. the adapter while nats-server was down). */
  readonly failedStarts: number;
}

/** Wait between start attempts of a process that did not come up. */
const RESTART_RETRY_MS = 1000;
/** How often the watchdog looks for a process that died on its own. */
const WATCHDOG_INTERVAL_MS = 1000;

/**
 * Applies faults to the three processes, one fault at a time per process (a process is back before its next
 * fault), and, like an orchestrator, starts again any process that exits on its own (`unplannedRestarts`).
 */
export class Supervisor {
  readonly applied: AppliedFault[] = [];
  readonly unplannedRestarts: Record<ChaosTarget, number> = { translator: 0, adapter: 0, nats: 0 };
  /** Processes inside a fault: the watchdog leaves them alone. */
  private readonly injured = new Set<ChaosTarget>();
  private readonly paused = new Set<ChaosTarget>();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly processes: Record<ChaosTarget, ManagedProcess>,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly startedAt = performance.now(),
  ) {
    this.watchdog = setInterval(() => void this.restartDead(), WATCHDOG_INTERVAL_MS);
  }

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * Runs each process's faults in order, each at its planned time or as soon as the previous one is over: every
   * planned fault happens, late ones (slow restarts on a loaded machine) after publishing has ended.
   */
  async run(faults: readonly Fault[], signal: AbortSignal): Promise<void> {
    await Promise.all(
      CHAOS_TARGETS.map(async (target) => {
        for (const fault of faults.filter((f) => f.target === target)) {
          const waitMs = fault.atMs - this.now();
          if (waitMs > 0) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
          if (signal.aborted) return;
          await this.apply(fault, signal);
        }
      }),
    );
  }

  /** Thaws what is frozen and starts what is down; stops the watchdog. */
  async restoreAll(): Promise<void> {
    clearInterval(this.watchdog);
    while (this.injured.size > 0) await sleep(100);
    for (const target of this.paused) this.signal(target, 'SIGCONT');
    this.paused.clear();
    for (const target of CHAOS_TARGETS) {
      if (this.processes[target].pid === undefined) await this.startUntilUp(target);
    }
  }

  private async apply(fault: Fault, signal: AbortSignal): Promise<void> {
    const { target, kind, durationMs } = fault;
    const atMs = this.now();
    this.injured.add(target);
    this.log('fault', { target, kind, atS: +(atMs / 1000).toFixed(1), durationS: +(durationMs / 1000).toFixed(1) });
    try {
      let failedStarts = 0;
      let recoveredAt: number;
      if (kind === 'pause') {
        this.signal(target, 'SIGSTOP');
        this.paused.add(target);
        await sleep(durationMs, undefined, { signal }).catch(() => undefined);
        this.signal(target, 'SIGCONT');
        this.paused.delete(target);
        recoveredAt = this.now();
      } else {
        await this.processes[target].kill();
        await sleep(durationMs, undefined, { signal }).catch(() => undefined);
        recoveredAt = this.now();
        failedStarts = await this.startUntilUp(target);
      }
      this.applied.push({ target, kind, plannedAtMs: fault.atMs, atMs, durationMs, recoveryMs: this.now() - recoveredAt, failedStarts });
    } finally {
      this.injured.delete(target);
    }
  }

  private signal(target: ChaosTarget, signal: NodeJS.Signals): void {
    const pid = this.processes[target].pid;
    if (pid !== undefined) process.kill(pid, signal);
  }

  /** Starts the process, retrying until it serves; returns the failed attempts. */
  private async startUntilUp(target: ChaosTarget): Promise<number> {
    for (let failed = 0; ; failed++) {
      try {
        await this.processes[target].restart();
        return failed;
      } catch (error) {
        this.log('start_failed', { target, error: (error instanceof Error ? error.message : String(error)).slice(0, 300) });
        await this.processes[target].kill().catch(() => undefined);
        await sleep(RESTART_RETRY_MS);
      }
    }
  }

  private async restartDead(): Promise<void> {
    for (const target of CHAOS_TARGETS) {
      if (this.injured.has(target) || this.processes[target].pid !== undefined) continue;
      this.injured.add(target);
      this.unplannedRestarts[target] += 1;
      this.log('unplanned_exit', { target });
      try {
        await this.startUntilUp(target);
      } finally {
        this.injured.delete(target);
      }
    }
  }
}
