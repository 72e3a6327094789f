import { PassThrough } from 'node:stream';
import type { ProcessIo } from './io.js';

/** What a program run with `capturedIo` wrote, and its exit code. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `program` in this process with streams that keep what it writes, `env` as its environment, a signal never
 * aborted and JSON-line progress (not a terminal).
 */
export async function runCaptured(program: (io: ProcessIo) => Promise<number>, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await program({ stdout, stderr, env, signal: new AbortController().signal, interactive: false });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
