/** What a command-line program gets from its process (a `sim2real` command, a benchmark); tests pass their own. */
export interface ProcessIo {
  /** Results: tables, the paths of what was written. */
  readonly stdout: NodeJS.WritableStream;
  /** Progress, warnings and errors. */
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long work stops cleanly and keeps what it has. */
  readonly signal: AbortSignal;
  /** Whether progress may redraw one line (a terminal) or must print JSON lines. */
  readonly interactive: boolean;
}
