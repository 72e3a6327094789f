import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADAPTED_STREAM, DEAD_STREAM, SYNTHETIC_STREAM, consumerName, startNatsServer } from '@sim2real/messaging';
import { natsClient, streamCount } from '../../test/helpers.js';
import { startTranslatorProcess } from '@sim2real/client/testing';
import { startServiceProcess } from '../../test/service-process.js';
import { checkStreams, type ChaosCheck } from './checker.js';
import { CHAOS_DATASET, publishAtFixedRate, type PublishedRecord } from './publisher.js';
import { chaosSchedule, type ChaosSchedule } from './schedule.js';
import { Supervisor, type AppliedFault } from './supervisor.js';

/** The model name the soak's registry serves. */
export const CHAOS_MODEL = 'tiny';

/** One run of the soak: the processes, the publisher and (with `faults`) the seeded schedule. */
export interface ChaosRunOptions {
  /** The registry holding the chaos model as `<name>/v1` (`tinyRegistry` of `@sim2real/client/testing`). */
  readonly registryDir: string;
  readonly minutes: number;
  readonly seed: number;
  /** Inject the schedule's faults; false for the fault-free baseline. */
  readonly faults: boolean;
  /** Batches published per second. */
  readonly ratePerS: number;
  readonly samplesPerBatch: number;
  /** After publishing and the last fault, how long the pipeline may take to settle every batch. */
  readonly drainTimeoutMs: number;
  /** Interval of the progress lines. */
  readonly progressIntervalMs: number;
  /** Consumer AckWait of the adapter (SIM2REAL_ACK_WAIT_MS): how soon a killed adapter's batches come back. */
  readonly adapterAckWaitMs: number;
  /** Progress and fault lines. */
  readonly log: (event: string, fields: Record<string, unknown>) => void;
}

export interface ChaosRunResult {
  readonly faults: boolean;
  readonly minutes: number;
  readonly seed: number;
  readonly natsServerVersion: string;
  /** Whether nats-server ran with `sync_interval: always` (2.10+ only). */
  readonly syncAlways: boolean;
  readonly schedule: ChaosSchedule;
  readonly applied: readonly AppliedFault[];
  readonly unplannedRestarts: Record<string, number>;
  /** Publish attempts that failed and were retried (nats-server down or frozen). */
  readonly publishRetries: number;
  /** From the first publish until every batch was settled (adapted or dead). */
  readonly seconds: number;
  /** How long the last faults ran past the end of publishing (late after slow restarts). */
  readonly faultsOverrunSeconds: number;
  /** From the end of publishing until every batch was settled. */
  readonly drainSeconds: number;
  /** Whether every batch was settled before drainTimeoutMs ran out. */
  readonly drained: boolean;
  /** Good batches adapted exactly once per second of `seconds`. */
  readonly batchesPerS: number;
  readonly check: ChaosCheck;
}

const ADAPTER_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * Starts nats-server, the translator (services/translator/src/main.ts) and the adapter (src/main.ts) as processes,
 * publishes at a fixed rate for `minutes` while (with `faults`) the supervisor applies the seeded schedule, then
 * restores every process, waits until each batch is adapted or dead, and checks the streams.
 */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunResult> {
  const runMs = options.minutes * 60_000;
  const schedule = chaosSchedule(runMs, options.seed);
  const log = options.log;
  const nats = await startNatsServer();
  // Interrupted (Ctrl-C ends the bench with process.exit), the server must not outlive it.
  const killNats = (): void => {
    if (nats.pid !== undefined) process.kill(nats.pid, 'SIGKILL');
  };
  process.once('exit', killNats);
  const stopping = new AbortController();
  const cleanup: (() => Promise<unknown>)[] = [() => nats.close()];
  try {
    const translator = await startTranslatorProcess({ REGISTRY_DIR: options.registryDir });
    cleanup.unshift(() => translator.kill());
    const adapter = await startServiceProcess({
      main: ADAPTER_MAIN,
      env: {
        NATS_URL: nats.url,
        SIM2REAL_TRANSLATOR: translator.address,
        SIM2REAL_ROUTES: `${CHAOS_DATASET}=${CHAOS_MODEL}`,
        SIM2REAL_ACK_WAIT_MS: String(options.adapterAckWaitMs),
      },
      readyEvent: 'adapter.started',
    });
    cleanup.unshift(() => adapter.kill());
    const client = await natsClient(nats.url);
    cleanup.unshift(() => client.nc.close());
    const supervisor = new Supervisor({ translator, adapter, nats }, log);
    cleanup.unshift(() => supervisor.restoreAll());

    const published: PublishedRecord[] = [];
    const settled = async (): Promise<number> =>
      (await streamCount(client.jsm, ADAPTED_STREAM).catch(() => 0)) + (await streamCount(client.jsm, DEAD_STREAM).catch(() => 0));
    const progress = setInterval(() => {
      void settled().then((done) =>
        log('progress', { run: options.faults ? 'faults' : 'fault-free', elapsedS: Math.round(supervisor.now() / 1000), published: published.length, settled: done, faults: supervisor.applied.length }),
      );
    }, options.progressIntervalMs);
    cleanup.unshift(() => Promise.resolve(clearInterval(progress)));

    const publishing = publishAtFixedRate(
      {
        js: client.js,
        maxPayloadBytes: client.nc.info?.max_payload ?? 1 << 20,
        ratePerS: options.ratePerS,
        durationMs: runMs,
        samplesPerBatch: options.samplesPerBatch,
        seed: options.seed,
        signal: stopping.signal,
      },
      published,
    );
    const faulting = options.faults ? supervisor.run(schedule.faults, stopping.signal) : Promise.resolve();
    await publishing;
    const publishedAtMs = supervisor.now();
    await faulting;
    const faultsEndedAtMs = supervisor.now();
    await supervisor.restoreAll();
    log('drain', { published: published.length, faults: supervisor.applied.length });
    const drained = await waitUntilSettled(client.jsm, published.length, settled, publishedAtMs + options.drainTimeoutMs, supervisor);
    const settledAtMs = supervisor.now();
    // Late duplicates (a redelivery still in flight) would land now.
    await sleep(2000);
    const check = await checkStreams(client.jsm, published);
    const seconds = settledAtMs / 1000;
    return {
      faults: options.faults,
      minutes: options.minutes,
      seed: options.seed,
      natsServerVersion: nats.version,
      syncAlways: nats.syncAlways,
      schedule,
      applied: supervisor.applied,
      unplannedRestarts: supervisor.unplannedRestarts,
      publishRetries: published.reduce((sum, p) => sum + p.failedAttempts, 0),
      seconds,
      faultsOverrunSeconds: Math.max(0, faultsEndedAtMs - publishedAtMs) / 1000,
      drainSeconds: (settledAtMs - publishedAtMs) / 1000,
      drained,
      batchesPerS: check.adaptedOnce / seconds,
      check,
    };
  } finally {
    stopping.abort();
    for (const step of cleanup) await step().catch(() => undefined);
    process.removeListener('exit', killNats);
  }
}

/** Waits until adapted + dead hold every published batch and the consumer has nothing pending or unacknowledged. */
async function waitUntilSettled(
  jsm: Awaited<ReturnType<typeof natsClient>>['jsm'],
  published: number,
  settled: () => Promise<number>,
  deadlineMs: number,
  clock: { now(): number },
): Promise<boolean> {
  while (clock.now() < deadlineMs) {
    if ((await settled()) >= published) {
      const info = await jsm.consumers.info(SYNTHETIC_STREAM, consumerName(CHAOS_DATASET)).catch(() => undefined);
      if (info && info.num_pending === 0 && info.num_ack_pending === 0) return true;
    }
    await sleep(500);
  }
  return false;
}
