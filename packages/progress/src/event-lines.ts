/** A line that should have been a structured event and is not: not JSON, not an object, an unknown event or a wrong field. */
export class EventLineError extends Error {
  override readonly name = 'EventLineError';
  constructor(
    message: string,
    /** The line as it was read (cut to 200 characters). */
    readonly line: string,
  ) {
    super(message);
  }
}

/** One event line parsed to an object whose `event` field names it; the fields are checked by `eventFields`. */
export type EventObject = { readonly event: string } & Readonly<Record<string, unknown>>;

/** The JSON object of an event line; throws `EventLineError` unless it is an object with a string `event`. */
export function parseEventObject(line: string): EventObject {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new EventLineError(`Expected a JSON event line, got "${cut(line)}".`, cut(line));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { event?: unknown }).event !== 'string') {
    throw new EventLineError(`Expected a JSON object with a string "event" field, got "${cut(line)}".`, cut(line));
  }
  return value as EventObject;
}

/** Typed reads of the fields of one event (or of an object inside it); each throws `EventLineError` naming the field. */
export interface EventFields {
  number(name: string): number;
  optionalNumber(name: string): number | undefined;
  string(name: string): string;
  boolean(name: string): boolean;
  /** A JSON object field, its own fields unchecked. */
  object(name: string): Readonly<Record<string, unknown>>;
}

/**
 * The typed field readers of `record` (an event, or an object field of one) found on `line`; `where` names it in
 * errors, e.g. `the "seed.done" event`.
 */
export function eventFields(record: Readonly<Record<string, unknown>>, where: string, line: string): EventFields {
  const read = <T>(name: string, kind: string, ok: (value: unknown) => boolean, optional = false): T => {
    const value = record[name];
    if ((optional && value === undefined) || ok(value)) return value as T;
    throw new EventLineError(`${where[0]!.toUpperCase()}${where.slice(1)} needs ${kind} "${name}" field, got ${JSON.stringify(value) ?? 'none'}.`, cut(line));
  };
  const isNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
  return {
    number: (name) => read(name, 'a number', isNumber),
    optionalNumber: (name) => read(name, 'a number', isNumber, true),
    string: (name) => read(name, 'a string', (value) => typeof value === 'string'),
    boolean: (name) => read(name, 'a boolean', (value) => typeof value === 'boolean'),
    object: (name) => read(name, 'an object', (value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
  };
}

/** Throws the error of an event name that the schema does not know. */
export function unknownEvent(event: EventObject, line: string, known: readonly string[]): never {
  throw new EventLineError(`Unknown event "${event.event}" (expected one of ${known.join(', ')}).`, cut(line));
}

const cut = (line: string): string => (line.length > 200 ? `${line.slice(0, 200)}…` : line);
