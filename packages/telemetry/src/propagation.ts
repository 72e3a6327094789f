import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** The part of grpc-js `Metadata` that propagation uses. */
export interface MetadataCarrier {
  get(key: string): (string | Buffer)[];
  set(key: string, value: string): void;
  getMap(): Record<string, unknown>;
}

/** The part of NATS `MsgHdrs` that propagation uses. */
export interface NatsHeadersCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
  keys(): string[];
}

/** A message's own trace-context map (proto `map<string, string>`, e.g. `TranslateRequest.trace_context`). */
export type TraceContextFields = Record<string, string>;

/** Writes propagation fields into grpc-js Metadata (`propagation.inject(ctx, metadata, metadataSetter)`). */
export const metadataSetter: TextMapSetter<MetadataCarrier> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** Reads propagation fields from grpc-js Metadata (`propagation.extract(ctx, metadata, metadataGetter)`). */
export const metadataGetter: TextMapGetter<MetadataCarrier> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get(carrier, key) {
    const values = carrier.get(key).filter((v): v is string => typeof v === 'string');
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

/** Writes propagation fields into NATS message headers. */
export const natsHeadersSetter: TextMapSetter<NatsHeadersCarrier> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** Reads propagation fields from NATS message headers (absent header = undefined); names match case-insensitively. */
export const natsHeadersGetter: TextMapGetter<NatsHeadersCarrier | undefined> = {
  keys: (carrier) => carrier?.keys() ?? [],
  get(carrier, key) {
    if (!carrier) return undefined;
    const name = carrier.keys().find((k) => k.toLowerCase() === key.toLowerCase());
    return name === undefined ? undefined : carrier.get(name) || undefined;
  },
};

/** Writes propagation fields into a message's trace-context map. */
export const fieldsSetter: TextMapSetter<TraceContextFields> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** Reads propagation fields from a message's trace-context map (absent or empty map = no context). */
export const fieldsGetter: TextMapGetter<TraceContextFields | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get: (carrier, key) => carrier?.[key] || undefined,
};
