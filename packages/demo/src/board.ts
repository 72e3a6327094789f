import { formatDuration } from '@sim2real/progress';

export type StageState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

const MARK: Record<StageState, string> = { waiting: '·', running: '…', done: '✓', failed: '✗', skipped: '-' };

interface Stage {
  state: StageState;
  text: string;
  startedAt: number | undefined;
  endedAt: number | undefined;
  printedText: string | undefined;
  printedAt: number;
}

export interface BoardOptions {
  readonly stream: NodeJS.WritableStream;
  /** A terminal: redraw the block of stage lines in place; otherwise print a stage's line when it changes. */
  readonly interactive: boolean;
  /** Off a terminal, least time between two lines of one running stage. @default 10000 */
  readonly intervalMs?: number;
}

/**
 * One compact line per pipeline stage (mark, name, elapsed time, what it is doing). On a terminal the block is
 * redrawn in place a few times a second; in logs a stage prints when its state changes and at most every
 * `intervalMs` while it runs.
 */
export class StatusBoard {
  readonly #stages = new Map<string, Stage>();
  readonly #width: number;
  readonly #timer: NodeJS.Timeout | undefined;
  #drawnLines = 0;

  constructor(
    names: readonly string[],
    private readonly options: BoardOptions,
  ) {
    for (const name of names) this.#stages.set(name, { state: 'waiting', text: '', startedAt: undefined, endedAt: undefined, printedText: undefined, printedAt: -Infinity });
    this.#width = Math.max(...names.map((n) => n.length));
    if (options.interactive) {
      this.#timer = setInterval(() => this.#draw(), 250);
      this.#timer.unref();
    }
  }

  /** Sets a stage's text, and its state when given (running stamps the start, done/failed the end). */
  set(name: string, text: string, state?: StageState): void {
    const stage = this.#stages.get(name);
    if (!stage) throw new Error(`unknown stage ${name}`);
    const now = performance.now();
    if (state !== undefined && state !== stage.state) {
      if (state === 'running') stage.startedAt ??= now;
      if (state === 'done' || state === 'failed' || state === 'skipped') stage.endedAt = now;
      stage.state = state;
      stage.printedText = undefined;
    }
    stage.text = text;
    if (!this.options.interactive) this.#printChanged(name, stage, now);
  }

  state(name: string): StageState | undefined {
    return this.#stages.get(name)?.state;
  }

  /** Seconds a stage ran (so far). */
  seconds(name: string): number | undefined {
    const stage = this.#stages.get(name);
    if (stage?.startedAt === undefined) return undefined;
    return Math.round(((stage.endedAt ?? performance.now()) - stage.startedAt) / 100) / 10;
  }

  /** Final drawing; stops the redraw timer. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.options.interactive) this.#draw();
  }

  #line(name: string, stage: Stage): string {
    const elapsed = this.seconds(name);
    const time = elapsed === undefined ? '' : ` ${formatDuration(elapsed)}`.padStart(8);
    return `${MARK[stage.state]} ${name.padEnd(this.#width)}${time.padEnd(8)}  ${stage.text}`;
  }

  #printChanged(name: string, stage: Stage, now: number): void {
    if (stage.state === 'waiting' || stage.text === stage.printedText) return;
    const stateChanged = stage.printedText === undefined;
    if (!stateChanged && stage.state === 'running' && now - stage.printedAt < (this.options.intervalMs ?? 10_000)) return;
    stage.printedText = stage.text;
    stage.printedAt = now;
    this.options.stream.write(`${this.#line(name, stage)}\n`);
  }

  #draw(): void {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = (this.options.stream as NodeJS.WriteStream).columns || 120;
    const lines = [...this.#stages].map(([name, stage]) => this.#line(name, stage).slice(0, columns - 1));
    const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
    this.options.stream.write(`${up}${lines.map((l) => `\r\x1b[2K${l}`).join('\n')}\n`);
    this.#drawnLines = lines.length;
  }
}
