/** What a benchmark gets from its process; tests pass their own streams and signal. */
export interface BenchIo {
  /** The table and the paths of what was written. */
  readonly stdout: NodeJS.WritableStream;
  /** Progress and warnings. */
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: the run stops between steps. */
  readonly signal: AbortSignal;
  /** Whether progress may redraw one line (a terminal) or must print JSON lines. */
  readonly interactive: boolean;
}
