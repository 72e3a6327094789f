import { sim2realV1 } from './proto.js';
import { BatchCodecError } from './errors.js';
import { lengthDelimited, splitFields } from './wire.js';
import type { LabelledBatch, LabelledBatch__Output } from './generated/sim2real/v1/LabelledBatch.js';
import type { Image } from './generated/sim2real/v1/Image.js';

const BATCH_SAMPLES_FIELD = 3;
const SAMPLE_IMAGE_FIELD = 2;
const SAMPLE_LABEL_FIELD = 3;

/** Encodes a batch with the loaded `sim2real.v1.LabelledBatch` definition. */
export function encodeLabelledBatch(batch: LabelledBatch): Uint8Array {
  return sim2realV1.LabelledBatch.serialize(batch);
}

/** Decodes a batch (proto-loader options: longs and enums as strings, defaults, oneof `kind`). */
export function decodeLabelledBatch(bytes: Uint8Array): LabelledBatch__Output {
  try {
    return sim2realV1.LabelledBatch.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new BatchCodecError(`The payload is not a LabelledBatch: ${(error as Error).message}.`, { cause: error });
  }
}

/** The encoded bytes of each sample's `label` field (tag, length and value), in sample order; undefined when absent. */
export function sampleLabelBytes(batchBytes: Uint8Array): (Uint8Array | undefined)[] {
  return samplesOf(batchBytes).map((sample) => sample.find((f) => f.fieldNumber === SAMPLE_LABEL_FIELD)?.raw);
}

/**
 * A copy of an encoded batch with each sample's image replaced by `images[i]`; every other byte
 * (batch id, dataset, attributes, sample ids and the labels) is copied as it was, so labels come out
 * byte for byte as they went in, whatever the encoder that wrote them.
 */
export function replaceSampleImages(batchBytes: Uint8Array, images: readonly Image[]): Uint8Array {
  const fields = parse(batchBytes);
  const sampleCount = fields.filter((f) => f.fieldNumber === BATCH_SAMPLES_FIELD).length;
  if (sampleCount !== images.length) {
    throw new BatchCodecError(`The batch has ${sampleCount} samples but ${images.length} images were given.`);
  }
  let index = 0;
  const chunks = fields.map((field) => {
    if (field.fieldNumber !== BATCH_SAMPLES_FIELD || field.value === undefined) return field.raw;
    const image = sim2realV1.Image.serialize(images[index++]!);
    return lengthDelimited(BATCH_SAMPLES_FIELD, withImage(field.value, image));
  });
  return Buffer.concat(chunks);
}

function withImage(sampleBytes: Uint8Array, image: Uint8Array): Uint8Array {
  const fields = parse(sampleBytes);
  const kept = fields.filter((f) => f.fieldNumber !== SAMPLE_IMAGE_FIELD).map((f) => f.raw);
  return Buffer.concat([...kept, lengthDelimited(SAMPLE_IMAGE_FIELD, image)]);
}

function samplesOf(batchBytes: Uint8Array): ReturnType<typeof splitFields>[] {
  return parse(batchBytes)
    .filter((f) => f.fieldNumber === BATCH_SAMPLES_FIELD && f.value !== undefined)
    .map((f) => parse(f.value!));
}

function parse(bytes: Uint8Array): ReturnType<typeof splitFields> {
  try {
    return splitFields(bytes);
  } catch (error) {
    throw new BatchCodecError(`The payload is not a LabelledBatch: ${(error as Error).message}.`, { cause: error });
  }
}
