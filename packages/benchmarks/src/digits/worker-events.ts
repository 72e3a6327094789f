import { eventFields, parseEventObject, progressEvent, unknownEvent, type ProgressEvent } from '@sim2real/progress';
import type { BackendChoice } from '@sim2real/tensor';
import type { DigitsConfig } from './config.js';
import type { SeedPhases, SeedResult } from './rows.js';

/** What the benchmark asks of a worker process (its one argument, as JSON): one seed of the run. */
export interface WorkerRequest {
  readonly config: DigitsConfig;
  readonly seed: number;
  readonly outDir: string;
  readonly backend: BackendChoice;
  /** wasm backend threads. */
  readonly threads: number;
}

/**
 * What a seed's worker process reports to the benchmark, one JSON line each on its event pipe (file descriptor 3):
 * its progress lines (as `Progress` prints them off a terminal) and, last, the seed's figures.
 */
export type WorkerEvent =
  | ProgressEvent
  | { readonly event: 'seed.done'; readonly result: SeedResult; readonly phases: SeedPhases };

/** The file descriptor a worker writes its events to (stdout and stderr stay free for text). */
export const WORKER_EVENT_FD = 3;

const EVENTS = ['progress', 'seed.done'] as const;

/** The line of a `seed.done` event. */
export const seedDoneLine = (result: SeedResult, phases: SeedPhases): string => `${JSON.stringify({ event: 'seed.done', result, phases })}\n`;

/** One line of a worker's event pipe, checked against `WorkerEvent`; throws `EventLineError` (one sentence) otherwise. */
export function parseWorkerEvent(line: string): WorkerEvent {
  const object = parseEventObject(line);
  const fields = eventFields(object, `the "${object.event}" event`, line);
  switch (object.event) {
    case 'progress':
      return progressEvent(object, line);
    case 'seed.done': {
      const result = fields.object('result');
      const resultFields = eventFields(result, 'the "result" of the "seed.done" event', line);
      const figures = Object.keys(result).filter((name) => name !== 'translator_degraded');
      const required = ['seed', 'translator_lambda', 'translator_steps', 'translator_batch', 'wall_time_s'];
      const checked: SeedResult = {
        ...Object.fromEntries([...new Set([...required, ...figures])].map((name) => [name, resultFields.number(name)])),
        translator_degraded: resultFields.boolean('translator_degraded'),
      } as SeedResult;
      const phases = fields.object('phases');
      const phaseFields = eventFields(phases, 'the "phases" of the "seed.done" event', line);
      const seconds = (name: string): Record<string, number> => {
        const table = phaseFields.object(name);
        const tableFields = eventFields(table, `the "phases.${name}" of the "seed.done" event`, line);
        return Object.fromEntries(Object.keys(table).map((phase) => [phase, tableFields.number(phase)]));
      };
      return { event: 'seed.done', result: checked, phases: { wall: seconds('wall'), cpu: seconds('cpu') } };
    }
    default:
      return unknownEvent(object, line, EVENTS);
  }
}
