import { SeededRandom, shuffleInPlace } from '@sim2real/random';

/** The processes the soak injures. */
export const CHAOS_TARGETS = ['translator', 'adapter', 'nats'] as const;
export type ChaosTarget = (typeof CHAOS_TARGETS)[number];

/**
 * `kill`: SIGKILL, down for `durationMs`, then started again; `pause`: SIGSTOP for `durationMs`, then SIGCONT;
 * `outage`: the translator's long absence (a SIGKILL and a restart `durationMs` later).
 */
export type FaultKind = 'kill' | 'pause' | 'outage';

export interface Fault {
  /** Planned start, from the start of the run. */
  readonly atMs: number;
  readonly target: ChaosTarget;
  readonly kind: FaultKind;
  readonly durationMs: number;
}

/** The outage: longer than 5 minutes. */
export const FULL_OUTAGE_MS = 315_000;
/** Runs of 10 minutes and more get FULL_OUTAGE_MS; shorter ones the same share of their length. */
const FULL_OUTAGE_RUN_MS = 600_000;
/** SIGKILLs and pauses of each process per minute of run (22 and 3 in 10 minutes), at least 2 and 1. */
const KILLS_PER_MINUTE = 2.2;
const PAUSES_PER_MINUTE = 0.3;
/** Faults stay inside [3 %, 97 %] of the run; the translator's outage starts at 10 %. */
const FIRST_FAULT_SHARE = 0.03;
const LAST_FAULT_SHARE = 0.97;
const OUTAGE_START_SHARE = 0.1;
/** Upper bounds of a kill's downtime and a pause (a pause over 15 s outlasts the adapter's gRPC keepalive, 10 + 5 s). */
const MAX_KILL_DOWNTIME_MS = 3000;
const MAX_PAUSE_MS = 16_000;

export interface ChaosSchedule {
  readonly faults: readonly Fault[];
  /** Length of the translator's outage, and whether it was scaled below FULL_OUTAGE_MS for a short run. */
  readonly outageMs: number;
  readonly outageScaled: boolean;
}

/**
 * The seeded fault plan of a run of `runMs`: per process, kills and pauses in random order spread over its free
 * time (the translator's excludes its outage) with jitter; processes are injured independently, so faults of
 * different processes overlap.
 */
export function chaosSchedule(runMs: number, seed: number): ChaosSchedule {
  const random = SeededRandom.fromSeeds(seed, 0xc4a05);
  const minutes = runMs / 60_000;
  const kills = Math.max(2, Math.round(KILLS_PER_MINUTE * minutes));
  const pauses = Math.max(1, Math.round(PAUSES_PER_MINUTE * minutes));
  const outageScaled = runMs < FULL_OUTAGE_RUN_MS;
  const outageMs = Math.round(outageScaled ? (FULL_OUTAGE_MS * runMs) / FULL_OUTAGE_RUN_MS : FULL_OUTAGE_MS);
  const outageAtMs = Math.round(OUTAGE_START_SHARE * runMs);
  const first = FIRST_FAULT_SHARE * runMs;
  const last = LAST_FAULT_SHARE * runMs;
  const faults: Fault[] = [{ atMs: outageAtMs, target: 'translator', kind: 'outage', durationMs: outageMs }];
  for (const target of CHAOS_TARGETS) {
    const windows: [number, number][] =
      target === 'translator' ? [[first, outageAtMs], [outageAtMs + outageMs, last]] : [[first, last]];
    faults.push(...spread(target, windows, kills, pauses, random));
  }
  faults.sort((a, b) => a.atMs - b.atMs);
  return { faults, outageMs, outageScaled };
}

/** `kills` kills and `pauses` pauses of one process, one per equal slot of its free time, jittered within the slot. */
function spread(target: ChaosTarget, windows: readonly [number, number][], kills: number, pauses: number, random: SeededRandom): Fault[] {
  const kinds = shuffleInPlace<FaultKind>([...Array<FaultKind>(kills).fill('kill'), ...Array<FaultKind>(pauses).fill('pause')], random);
  const freeMs = windows.reduce((sum, [from, to]) => sum + Math.max(0, to - from), 0);
  const slotMs = freeMs / kinds.length;
  return kinds.map((kind, i) => {
    const offset = (i + 0.2 + 0.3 * random.next()) * slotMs;
    const maxMs = kind === 'kill' ? Math.min(MAX_KILL_DOWNTIME_MS, 0.3 * slotMs) : Math.min(MAX_PAUSE_MS, 0.6 * slotMs);
    const durationMs = Math.round(Math.min(maxMs, 200) + random.next() * Math.max(0, maxMs - 200));
    return { atMs: Math.round(atFreeTime(windows, offset)), target, kind, durationMs };
  });
}

/** The run time at `offsetMs` into the windows laid end to end. */
function atFreeTime(windows: readonly [number, number][], offsetMs: number): number {
  let left = offsetMs;
  for (const [from, to] of windows) {
    const length = Math.max(0, to - from);
    if (left < length) return from + left;
    left -= length;
  }
  return windows.at(-1)![1];
}
