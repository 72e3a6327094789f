import { eventFields, type EventObject } from './event-lines.js';

/** A `progress` line as `Progress` prints it off a terminal, read back by the process that follows it. */
export interface ProgressEvent {
  readonly event: 'progress';
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** Items per second. */
  readonly rate: number;
  readonly unit: string;
  /** Seconds left, when the rate says. */
  readonly etaS: number | undefined;
  /** The figures shown beside the count (stage, losses, ...), unchecked. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The `progress` event `object` (read from `line`) checked and typed; throws `EventLineError` on a wrong field. */
export function progressEvent(object: EventObject, line: string): ProgressEvent {
  const fields = eventFields(object, 'the "progress" event', line);
  const { event: _event, label: _label, done: _done, total: _total, rate: _rate, unit: _unit, etaS: _etaS, ...rest } = object;
  return {
    event: 'progress',
    label: fields.string('label'),
    done: fields.number('done'),
    total: fields.number('total'),
    rate: fields.number('rate'),
    unit: fields.string('unit'),
    etaS: fields.optionalNumber('etaS'),
    fields: rest,
  };
}
