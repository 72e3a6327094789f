import type { Duration, Duration__Output } from './generated/google/protobuf/Duration.js';
import type { ListValue__Output } from './generated/google/protobuf/ListValue.js';
import type { Struct, Struct__Output } from './generated/google/protobuf/Struct.js';
import type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp.js';
import type { Value, Value__Output } from './generated/google/protobuf/Value.js';

/** A JSON value, as google.protobuf.Value carries it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A Date as google.protobuf.Timestamp (millisecond precision). */
export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** A google.protobuf.Timestamp as a Date (undefined when absent). */
export function fromTimestamp(timestamp: Timestamp__Output | null | undefined): Date | undefined {
  if (!timestamp) return undefined;
  return new Date(Number(timestamp.seconds) * 1000 + Math.round(timestamp.nanos / 1_000_000));
}

/** Milliseconds as google.protobuf.Duration. */
export function toDuration(ms: number): Duration {
  const seconds = Math.trunc(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

/** A google.protobuf.Duration in milliseconds (0 when absent). */
export function durationMs(duration: Duration__Output | null | undefined): number {
  return duration ? Number(duration.seconds) * 1000 + duration.nanos / 1_000_000 : 0;
}

function toValue(value: unknown, path: string): Value {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  switch (typeof value) {
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return { numberValue: value };
    case 'string':
      return { stringValue: value };
    case 'object':
      if (Array.isArray(value)) return { listValue: { values: value.map((v, i) => toValue(v, `${path}[${i}]`)) } };
      return { structValue: toStruct(value as Record<string, unknown>, path) };
    default:
      throw new TypeError(`${path || 'The value'} is a ${typeof value}, which a google.protobuf.Struct cannot hold.`);
  }
}

/** A plain object (JSON values only; undefined members are left out) as google.protobuf.Struct. */
export function toStruct(object: Record<string, unknown>, path = ''): Struct {
  const fields: Record<string, Value> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) fields[key] = toValue(value, path ? `${path}.${key}` : key);
  }
  return { fields };
}

function fromValue(value: Value__Output): JsonValue {
  switch (value.kind) {
    case 'boolValue':
      return value.boolValue ?? false;
    case 'numberValue':
      return value.numberValue ?? 0;
    case 'stringValue':
      return value.stringValue ?? '';
    case 'listValue':
      return (value.listValue as ListValue__Output | null)?.values.map(fromValue) ?? [];
    case 'structValue':
      return fromStruct(value.structValue);
    default:
      return null;
  }
}

/** A google.protobuf.Struct as a plain object ({} when absent). */
export function fromStruct(struct: Struct__Output | null | undefined): { [key: string]: JsonValue } {
  return Object.fromEntries(Object.entries(struct?.fields ?? {}).map(([key, value]) => [key, fromValue(value)]));
}
