import { BatchCodecError, decodeLabelledBatch, type Image, type LabelledBatch__Output } from '@sim2real/contracts';
import { BadBatchError } from './errors.js';
import type { OutputEncodingChoice } from './config.js';

/**
 * Decodes a synthetic batch and checks what the adapter can check without decoding images: a batch id,
 * the dataset of its subject, at least one sample, and one image and one label per sample (raw images of
 * the right length). Throws BadBatchError with a one-sentence reason.
 */
export function validateBatch(data: Uint8Array, subjectDataset: string): LabelledBatch__Output {
  let batch: LabelledBatch__Output;
  try {
    batch = decodeLabelledBatch(data);
  } catch (error) {
    if (error instanceof BatchCodecError) throw new BadBatchError('undecodable', error.message, { cause: error });
    throw error;
  }
  if (batch.batchId === '') throw new BadBatchError('invalid', 'The batch has no batch_id.');
  if (batch.dataset !== subjectDataset) {
    throw new BadBatchError('dataset', `The batch names dataset "${batch.dataset}" but was published for dataset "${subjectDataset}".`);
  }
  if (batch.samples.length === 0) throw new BadBatchError('invalid', `Batch "${batch.batchId}" has no samples.`);
  const images = batch.samples.filter((s) => s.image && s.image.data.length > 0).length;
  const labels = batch.samples.filter((s) => s.label?.kind !== undefined).length;
  if (images !== batch.samples.length || labels !== batch.samples.length) {
    throw new BadBatchError(
      'invalid',
      `Batch "${batch.batchId}" has ${batch.samples.length} samples but ${images} images and ${labels} labels: every sample needs both.`,
    );
  }
  for (const sample of batch.samples) {
    const { width, height, data: bytes, encoding } = sample.image!;
    if (encoding === 'ENCODING_RAW_RGB8' && bytes.length !== width * height * 3) {
      throw new BadBatchError(
        'invalid',
        `Sample "${sample.id}" of batch "${batch.batchId}" is raw RGB ${width}×${height} (${width * height * 3} bytes) but holds ${bytes.length} bytes.`,
      );
    }
  }
  return batch;
}

const ENCODINGS: Record<Exclude<OutputEncodingChoice, 'same'>, Image['encoding']> = {
  png: 'ENCODING_PNG',
  jpeg: 'ENCODING_JPEG',
  raw: 'ENCODING_RAW_RGB8',
};

/** The encoding to ask the translator for: the batch's own (PNG when unspecified) or the configured one. */
export function outputEncodingFor(batch: LabelledBatch__Output, choice: OutputEncodingChoice): Image['encoding'] {
  if (choice !== 'same') return ENCODINGS[choice];
  const first = batch.samples[0]?.image?.encoding;
  return first === undefined || first === 'ENCODING_UNSPECIFIED' ? 'ENCODING_PNG' : first;
}
