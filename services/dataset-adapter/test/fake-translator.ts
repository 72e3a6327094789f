import * as grpc from '@grpc/grpc-js';
import { propagation, context, trace, type SpanContext } from '@opentelemetry/api';
import { sim2realV1, type Image, type TranslateRequest__Output, type TranslateResponse } from '@sim2real/contracts';
import { metadataGetter } from '@sim2real/telemetry';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/**
 * A real grpc-js Translator server whose "model" inverts raw RGB bytes (255 − x). Any other encoding is
 * refused with INVALID_ARGUMENT unless it starts with the PNG signature (then echoed), like a server that
 * cannot decode an image. Streams end with `Request "<id>": ...` on the first refused request, as the
 * real translator does.
 */
export interface FakeTranslator {
  readonly address: string;
  /** Requests answered, and the most being processed at once. */
  readonly stats: { received: number; answered: number; maxConcurrent: number; streamsOpened: number; streamParents: (SpanContext | undefined)[] };
  /** Delay before each answer. */
  delayMs: number;
  /** Stops at once (open streams fail with UNAVAILABLE). */
  kill(): Promise<void>;
  /** Serves again on the same port. */
  restart(): Promise<void>;
}

function invert(image: Image): Image {
  const data = Buffer.from(image.data as Uint8Array);
  for (let i = 0; i < data.length; i++) data[i] = 255 - data[i]!;
  return { ...image, data };
}

export async function startFakeTranslator(options: { delayMs?: number; port?: number } = {}): Promise<FakeTranslator> {
  let server: grpc.Server | undefined;
  let port = options.port ?? 0;
  let concurrent = 0;
  const handle: FakeTranslator = {
    address: '',
    stats: { received: 0, answered: 0, maxConcurrent: 0, streamsOpened: 0, streamParents: [] },
    delayMs: options.delayMs ?? 0,
    kill: async () => {
      server?.forceShutdown();
      server = undefined;
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    restart: () => serve(),
  };

  async function translate(request: TranslateRequest__Output): Promise<TranslateResponse> {
    concurrent += 1;
    handle.stats.received += 1;
    handle.stats.maxConcurrent = Math.max(handle.stats.maxConcurrent, concurrent);
    try {
      await new Promise((resolve) => setTimeout(resolve, handle.delayMs));
      for (const image of request.images) {
        if (image.encoding !== 'ENCODING_RAW_RGB8' && !image.data.subarray(0, 4).equals(PNG_SIGNATURE)) {
          throw Object.assign(new Error(`Request "${request.requestId}": image 0 cannot be decoded.`), { code: grpc.status.INVALID_ARGUMENT });
        }
      }
      handle.stats.answered += 1;
      return {
        requestId: request.requestId,
        modelVersion: `${request.model.split('@')[0]}@1`,
        results: request.images.map((image) => ({ image: image.encoding === 'ENCODING_RAW_RGB8' ? invert(image) : image })),
      };
    } finally {
      concurrent -= 1;
    }
  }

  async function serve(): Promise<void> {
    const s = new grpc.Server();
    s.addService(sim2realV1.Translator.service, {
      Translate: (call: grpc.ServerUnaryCall<TranslateRequest__Output, TranslateResponse>, callback: grpc.sendUnaryData<TranslateResponse>) => {
        translate(call.request).then((r) => callback(null, r), (e: grpc.ServiceError) => callback(e));
      },
      TranslateStream: (call: grpc.ServerDuplexStream<TranslateRequest__Output, TranslateResponse>) => {
        handle.stats.streamsOpened += 1;
        handle.stats.streamParents.push(trace.getSpanContext(propagation.extract(context.active(), call.metadata, metadataGetter)));
        let failed = false;
        call.on('data', (request: TranslateRequest__Output) => {
          translate(request).then(
            (response) => {
              if (!failed) call.write(response);
            },
            (error: grpc.ServiceError) => {
              if (failed) return;
              failed = true;
              call.emit('error', { code: error.code, details: error.message });
            },
          );
        });
        call.on('end', () => {
          if (!failed) call.end();
        });
        call.on('error', () => undefined);
      },
    });
    port = await new Promise<number>((resolve, reject) =>
      s.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    server = s;
    (handle as { address: string }).address = `127.0.0.1:${port}`;
  }

  await serve();
  return handle;
}
