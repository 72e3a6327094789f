import { eventFields, parseEventObject, progressEvent, type EventObject, type ProgressEvent } from '@sim2real/progress';

/**
 * The events the demo follows in its children's output (JSON lines): the translator's `serving`, the adapter's and
 * regressors' start, their progress, the regressors' evaluations and final stats, and the publisher's summary.
 */
export type ChildEvent =
  | { readonly event: 'serving'; readonly port: number; readonly backend: string }
  | { readonly event: 'adapter.started' }
  | { readonly event: 'regressor.started' }
  | ProgressEvent
  | { readonly event: 'regressor.eval'; readonly mse: number }
  | { readonly event: 'regress.done'; readonly lastEvalMse: number | undefined }
  | { readonly event: 'published'; readonly batches: number; readonly samples: number; readonly record: EventObject };

/** A line that is not a JSON event object: text, or output that is not an event. */
function eventObject(line: string): EventObject | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return parseEventObject(line);
  } catch {
    return undefined;
  }
}

/**
 * A child's output line as one of the events the demo follows; undefined for any other line (text, or an event it
 * does not follow). A followed event with a missing or mistyped field throws `EventLineError`.
 */
export function parseChildEvent(line: string): ChildEvent | undefined {
  const object = eventObject(line);
  if (object === undefined) return undefined;
  const fields = eventFields(object, `the "${object.event}" event`, line);
  switch (object.event) {
    case 'serving':
      return { event: 'serving', port: fields.number('port'), backend: fields.string('backend') };
    case 'adapter.started':
    case 'regressor.started':
      return { event: object.event };
    case 'progress':
      return progressEvent(object, line);
    case 'regressor.eval':
      return { event: 'regressor.eval', mse: fields.number('mse') };
    case 'regress.done':
      return { event: 'regress.done', lastEvalMse: fields.optionalNumber('lastEvalMse') };
    case 'published':
      return { event: 'published', batches: fields.number('batches'), samples: fields.number('samples'), record: object };
    default:
      return undefined;
  }
}

/** A promise resolved by the first event `match` accepts. */
export function eventWaiter<T>(match: (event: ChildEvent) => T | undefined): { onEvent: (event: ChildEvent) => void; found: Promise<T> } {
  let resolve!: (value: T) => void;
  let done = false;
  const found = new Promise<T>((r) => (resolve = r));
  return {
    found,
    onEvent: (event) => {
      if (done) return;
      const value = match(event);
      if (value !== undefined) {
        done = true;
        resolve(value);
      }
    },
  };
}
