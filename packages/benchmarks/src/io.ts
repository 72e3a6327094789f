import type { ProcessIo } from '@sim2real/flags';

/** What a benchmark gets from its process; tests pass their own streams and signal. */
export type BenchIo = ProcessIo;
