import { ImageDecodeError, decodeImage, decodeRawRgb, encodeJpeg, encodePng, resizeImage } from '@sim2real/imaging';
import type { AnyImage, RgbImage } from '@sim2real/imaging';
import type { BatchResult, MicroBatcher } from './batcher.js';
import { CapacityError, InvalidRequestError } from './errors.js';
import type { InferenceItem, InferenceOutput } from './inference.js';
import type { EncodingName, ImageMessage, ImageMessageOut, TranslatedImage, TranslateRequest, TranslateResponse } from './proto.js';
import type { ModelRegistry } from './registry.js';

/** What translating a request needs from the server. */
export interface TranslateContext {
  registry: ModelRegistry;
  batcher: MicroBatcher<InferenceItem, InferenceOutput>;
  maxImagesPerRequest: number;
  maxPixelsPerImage: number;
  /** Images waiting for inference over all calls (the batcher's limit, checked before decoding). */
  maxQueuedImages: number;
  /** Largest response in bytes (images, attention and G0 outputs). */
  maxResponseBytes: number;
}

/** A response plus what telemetry records about it. */
export interface TranslateOutcome {
  response: TranslateResponse;
  /** `name@version` */
  modelId: string;
  name: string;
  version: string;
  /** Largest inference batch any of the request's images ran in. */
  batchSize: number;
  images: number;
}

type OutputEncoding = Exclude<EncodingName, 'ENCODING_UNSPECIFIED'>;

function outputEncoding(encoding: EncodingName): OutputEncoding {
  return encoding === 'ENCODING_UNSPECIFIED' ? 'ENCODING_PNG' : encoding;
}

function checkRequest(request: TranslateRequest, context: TranslateContext): void {
  const count = request.images.length;
  if (count === 0) throw new InvalidRequestError(`Request "${request.requestId}" has no images; send at least one.`);
  if (count > context.maxImagesPerRequest) {
    throw new CapacityError(
      'maxImagesPerRequest',
      `Request "${request.requestId}" has ${count} images, over the limit of ${context.maxImagesPerRequest} per request (maxImagesPerRequest); split it.`,
    );
  }
  if (!['ENCODING_UNSPECIFIED', 'ENCODING_PNG', 'ENCODING_JPEG', 'ENCODING_RAW_RGB8'].includes(request.outputEncoding)) {
    throw new InvalidRequestError(`Request "${request.requestId}" asks for output encoding ${String(request.outputEncoding)}, which is not known.`);
  }
  // Admission before any decoding: a request whose images cannot all wait for inference is refused now.
  const queued = context.batcher.queued;
  if (queued + count > context.maxQueuedImages) {
    throw new CapacityError(
      'maxQueuedImages',
      `Request "${request.requestId}" has ${count} images and ${queued} already wait for inference (limit maxQueuedImages = ${context.maxQueuedImages}); retry later.`,
    );
  }
  // Raw output is counted before decoding (its size is width × height × channels); raw input carries its size.
  if (outputEncoding(request.outputEncoding) === 'ENCODING_RAW_RGB8') {
    const perPixel = 3 + (request.includeAttention ? 1 : 0) + (request.includeInitial ? 3 : 0);
    const bytes = request.images.reduce((sum, image) => sum + (image.encoding === 'ENCODING_RAW_RGB8' ? image.width * image.height * perPixel : 0), 0);
    checkResponseBytes(request.requestId, bytes, context.maxResponseBytes);
  }
}

function checkResponseBytes(requestId: string, bytes: number, limit: number): void {
  if (bytes > limit) {
    throw new CapacityError(
      'maxResponseBytes',
      `The response to request "${requestId}" would hold ${bytes} bytes of images, over the limit of ${limit} (maxResponseBytes); send fewer or smaller images, or ask for PNG/JPEG.`,
    );
  }
}

/** Bytes of the images in a response. */
function responseBytes(results: readonly TranslatedImage[]): number {
  let bytes = 0;
  for (const { image, attention, initial } of results) for (const part of [image, attention, initial]) bytes += part?.data?.length ?? 0;
  return bytes;
}

/** Decodes one input image (PNG, JPEG or raw RGB8) under the pixel limit; errors name the image's index. */
export async function decodeInput(image: ImageMessageOut, index: number, requestId: string, maxPixels: number): Promise<RgbImage> {
  const name = `image ${index} of request "${requestId}"`;
  try {
    if (image.encoding === 'ENCODING_RAW_RGB8') return decodeRawRgb(image.data, image.width, image.height, { name, maxPixels });
    return await decodeImage(image.data, { name, maxPixels });
  } catch (error) {
    // The same sentence, with the image's index for the status's field violation (images[i]).
    if (error instanceof ImageDecodeError) throw new InvalidRequestError(error.message, index, { cause: error });
    throw error;
  }
}

/** Encodes an output image as asked; width and height are always set. */
export async function encodeOutput(image: AnyImage, encoding: OutputEncoding): Promise<ImageMessage> {
  const { width, height } = image;
  switch (encoding) {
    case 'ENCODING_RAW_RGB8':
      return { data: image.data, encoding, width, height };
    case 'ENCODING_JPEG':
      return { data: await encodeJpeg(image), encoding, width, height };
    case 'ENCODING_PNG':
      return { data: await encodePng(image), encoding, width, height };
  }
}

/**
 * Translates every image of a request with one model: decode and stretch each to the model size, submit them to
 * the micro-batcher (where they may share batches with other calls' images), stretch the outputs back to each
 * input's width × height and encode them. `signal` (the call's deadline or cancellation) drops images still
 * waiting for a batch. Raw output of grey attention masks is one byte per pixel.
 */
export async function translateRequest(request: TranslateRequest, context: TranslateContext, signal: AbortSignal): Promise<TranslateOutcome> {
  checkRequest(request, context);
  const encoding = outputEncoding(request.outputEncoding);
  const lease = await context.registry.acquire(request.model);
  // Aborted when the call ends or when one image fails, so the request's other images leave the queue.
  const local = new AbortController();
  const abortLocal = (): void => local.abort(signal.reason);
  signal.addEventListener('abort', abortLocal, { once: true });
  try {
    signal.throwIfAborted();
    const size = lease.engine.imageSize;
    let firstError: unknown;
    const settled = await Promise.allSettled(
      request.images.map(async (image, index) => {
        try {
          const input = await decodeInput(image, index, request.requestId, context.maxPixelsPerImage);
          const pixels = await resizeImage(input, size, size);
          local.signal.throwIfAborted();
          const item: InferenceItem = { lease, pixels, wantAttention: request.includeAttention, wantInitial: request.includeInitial };
          const { output, batchSize }: BatchResult<InferenceOutput> = await context.batcher.submit(lease.id, item, local.signal);
          const back = async (img: AnyImage | undefined): Promise<ImageMessage | undefined> =>
            img && encodeOutput(await resizeImage(img, input.width, input.height), encoding);
          const [translated, attention, initial] = await Promise.all([back(output.image), back(output.attention), back(output.initial)]);
          return { result: { image: translated, attention, initial }, batchSize };
        } catch (error) {
          if (!local.signal.aborted) {
            // An image that does not decode is this image's fault: keep its index for the stream's per-request error.
            firstError = error instanceof ImageDecodeError ? new InvalidRequestError(error.message, index, { cause: error }) : error;
            local.abort(error);
          }
          throw error;
        }
      }),
    );
    // allSettled, not all: the lease is released only once no image of this request can still be in a batch.
    const results = settled.map((s) => {
      if (s.status === 'rejected') throw firstError ?? s.reason;
      return s.value;
    });
    // Encoded outputs (and raw outputs of encoded inputs) are known only now.
    checkResponseBytes(request.requestId, responseBytes(results.map((r) => r.result)), context.maxResponseBytes);
    return {
      response: { requestId: request.requestId, modelVersion: lease.id, results: results.map((r) => r.result) },
      modelId: lease.id,
      name: lease.name,
      version: lease.version,
      batchSize: Math.max(...results.map((r) => r.batchSize)),
      images: results.length,
    };
  } finally {
    signal.removeEventListener('abort', abortLocal);
    lease.release();
  }
}
