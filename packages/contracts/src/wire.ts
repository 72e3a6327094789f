import protobuf from 'protobufjs';

const WIRE_LENGTH_DELIMITED = 2;

/** One top-level field of a protobuf message, kept as the exact bytes it was encoded with. */
export interface RawField {
  readonly fieldNumber: number;
  /** Tag, length prefix (if any) and value, exactly as in the input. */
  readonly raw: Uint8Array;
  /** The value of a length-delimited field (no tag, no length); undefined for other wire types. */
  readonly value: Uint8Array | undefined;
}

/** Splits a message into its top-level fields without decoding them. Throws on malformed input. */
export function splitFields(bytes: Uint8Array): RawField[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: RawField[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) throw new Error(`invalid field number 0 at byte ${start}`);
    let value: Uint8Array | undefined;
    if (wireType === WIRE_LENGTH_DELIMITED) {
      value = reader.bytes();
    } else {
      reader.skipType(wireType);
    }
    fields.push({ fieldNumber, raw: bytes.subarray(start, reader.pos), value });
  }
  return fields;
}

/** Tag + length + value of a length-delimited field. */
export function lengthDelimited(fieldNumber: number, value: Uint8Array): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32(((fieldNumber << 3) | WIRE_LENGTH_DELIMITED) >>> 0).bytes(value);
  return writer.finish();
}
