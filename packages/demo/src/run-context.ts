import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TranslatorClient } from '@sim2real/client';
import { StatusBoard } from './board.js';
import { parseChildEvent, type ChildEvent } from './child-events.js';
import { ChildProcesses, type Child } from './children.js';
import type { DemoConfig } from './config.js';
import type { DemoNats } from './nats.js';
import type { RunStreams } from './run-streams.js';
import type { DemoSecrets } from './secrets.js';
import { Supervision } from './supervision.js';

/** The stages, in the order they are shown. */
export const STAGES = ['nats', 'translator', 'faces', 'generator', 'adapter', 'publish', 'regress-adapted', 'regress-sim', 'samples'] as const;
export type StageName = (typeof STAGES)[number];

/** What a run gets from its process. */
export interface DemoIo {
  readonly stderr: NodeJS.WritableStream;
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** The `sim2real` executable the children run. */
  readonly sim2realBin: string;
}

/** What a run opened besides its children, each closed by `stop()`. */
interface Resources {
  nats?: DemoNats;
  streams?: RunStreams;
  secrets?: DemoSecrets;
  client?: TranslatorClient;
}

/**
 * One run's shared state: its folders and dataset, the status board, the children it started (each watched by the
 * supervision) and the resources it opened; `stop()` ends all of it in pipeline order.
 */
export class DemoRun {
  readonly startedAt = performance.now();
  readonly runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  readonly runDir: string;
  readonly logs: string;
  readonly registry: string;
  /** This run's dataset (NATS subjects), so that runs sharing a server do not mix. */
  readonly dataset: string;
  readonly board: StatusBoard;
  readonly supervision: Supervision;
  /** Every process the run started, by stage. */
  readonly pids: Record<string, number> = {};
  /** Flags for every tfjs-using child. */
  readonly backendArgs: readonly string[];
  readonly resources: Resources = {};
  readonly #children: ChildProcesses;
  readonly #started: Partial<Record<StageName, Child>> = {};

  private constructor(
    readonly config: DemoConfig,
    readonly io: DemoIo,
  ) {
    this.runDir = path.join(config.dataDir, 'runs', this.runId);
    this.logs = path.join(this.runDir, 'logs');
    this.registry = path.join(config.dataDir, 'registry');
    this.dataset = `demo-${this.runId.toLowerCase()}`;
    this.board = new StatusBoard(STAGES, { stream: io.stderr, interactive: io.interactive });
    this.#children = new ChildProcesses(this.logs, io.env, io.sim2realBin);
    this.supervision = new Supervision(io.signal);
    this.backendArgs = config.backend === undefined ? [] : ['--backend', config.backend];
  }

  /** A run with its log folder made. */
  static async open(config: DemoConfig, io: DemoIo): Promise<DemoRun> {
    const run = new DemoRun(config, io);
    try {
      await mkdir(run.logs, { recursive: true });
    } catch (error) {
      await run.stop();
      throw error;
    }
    return run;
  }

  /** `work`, unless the run fails first (a child exits, an interrupt). */
  race<T>(work: Promise<T>): Promise<T> {
    return this.supervision.race(work);
  }

  /** Starts a child; its output lines go to its log, the events the demo follows to `onEvent`. Jobs (`mayFinish`) may exit 0. */
  spawn(stage: StageName, args: string[], onEvent: (event: ChildEvent) => void, mayFinish = false): Child {
    const onLine = (line: string): void => {
      try {
        const event = parseChildEvent(line);
        if (event !== undefined) onEvent(event);
      } catch (error) {
        this.supervision.fail(new Error(`${stage} reported a malformed event: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    };
    const child = this.#children.spawn(stage, args, { onLine });
    this.pids[stage] = child.pid;
    this.#started[stage] = child;
    this.supervision.watch(child, { mayFinish });
    this.board.set(stage, `starting (pid ${child.pid})`, 'running');
    return child;
  }

  /** A process the run did not spawn but must stop (a local nats-server). */
  adopt(stage: StageName, pid: number): void {
    this.pids[stage] = pid;
    this.#children.adopted.add(pid);
  }

  /** Stops everything: the producer, the consumers, the adapter, the translator, then NATS; removes the secrets. */
  async stop(): Promise<void> {
    const { io, resources } = this;
    this.supervision.stopping();
    this.board.close();
    resources.client?.close();
    const stopStarted = performance.now();
    for (const group of [['publish'], ['regress-adapted', 'regress-sim'], ['adapter'], ['translator']] as const) {
      const running = group.flatMap((stage) => this.#started[stage] ?? []);
      await Promise.all(running.map((child) => child.stop(child.name === 'translator' ? 15_000 : 30_000)));
    }
    if (resources.nats?.local) await resources.nats.local.close();
    else await resources.streams?.forget().catch((error: unknown) => io.stderr.write(`could not delete this run's consumers and batches from NATS: ${String(error)}\n`));
    await resources.streams?.close();
    await resources.secrets?.remove();
    // Everything stopped: drop the exit hook (on a throw above it stays and SIGKILLs what is left at exit).
    this.#children.dispose();
    const list = Object.entries(this.pids).map(([stage, pid]) => `${stage} ${pid}`).join(', ');
    if (list) io.stderr.write(`stopped in ${((performance.now() - stopStarted) / 1000).toFixed(1)} s: ${list}\n`);
  }
}
