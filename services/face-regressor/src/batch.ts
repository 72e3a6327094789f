import type { LabelledBatch, LabelledBatch__Output, Sample__Output } from '@sim2real/contracts';
import type { FaceSample } from '@sim2real/face-synth';
import { decodeImage, decodeRawRgb, encodePng } from '@sim2real/imaging';
import { BadSampleError } from './errors.js';
import type { LabelledImage } from './sample-store.js';

/** The usable samples of a batch and why the others were left out. */
export interface DecodedBatch {
  readonly samples: LabelledImage[];
  readonly rejected: BadSampleError[];
}

/** Decodes each sample's image (PNG, JPEG or raw RGB8) and takes its `vector` label as the coefficients. */
export async function samplesOfBatch(batch: LabelledBatch__Output, options: { maxPixels?: number } = {}): Promise<DecodedBatch> {
  const samples: LabelledImage[] = [];
  const rejected: BadSampleError[] = [];
  for (const sample of batch.samples) {
    try {
      samples.push(await decodeSample(sample, options.maxPixels));
    } catch (error) {
      rejected.push(error instanceof BadSampleError ? error : new BadSampleError(`Sample "${sample.id}": ${(error as Error).message}`, sample.id, { cause: error }));
    }
  }
  return { samples, rejected };
}

async function decodeSample(sample: Sample__Output, maxPixels: number | undefined): Promise<LabelledImage> {
  const values = sample.label?.kind === 'vector' ? sample.label.vector?.values : undefined;
  if (!values || values.length === 0) throw new BadSampleError(`Sample "${sample.id}" has no coefficient-vector label.`, sample.id);
  const image = sample.image;
  if (!image || image.data.length === 0) throw new BadSampleError(`Sample "${sample.id}" has no image.`, sample.id);
  const name = `sample ${sample.id}`;
  const decoded =
    image.encoding === 'ENCODING_RAW_RGB8'
      ? decodeRawRgb(image.data, image.width, image.height, { name, maxPixels })
      : await decodeImage(image.data, { name, maxPixels });
  return { id: sample.id, image: decoded, label: values };
}

/** A labelled face batch as the producer publishes it: PNG images, label = the coefficient vector. */
export async function faceBatch(batchId: string, dataset: string, faces: readonly FaceSample[], attributes: Record<string, string> = {}): Promise<LabelledBatch> {
  return {
    batchId,
    dataset,
    attributes,
    samples: await Promise.all(
      faces.map(async (face) => ({
        id: face.id,
        image: { data: await encodePng(face.image), encoding: 'ENCODING_PNG' as const, width: face.image.width, height: face.image.height },
        label: { vector: { values: Array.from(face.params.coefficients) } },
      })),
    ),
  };
}
