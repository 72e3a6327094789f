import { once } from 'node:events';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { TranslateRequest, TranslateResponse__Output } from '@sim2real/contracts';
import { asError, callError } from './errors.js';

/** A bare `TranslateStream` call (see the client's `openTranslateStream`). */
export type TranslateStreamCall = ClientDuplexStream<TranslateRequest, TranslateResponse__Output>;

/**
 * The responses of an open TranslateStream `call` to `requests`, as they arrive. Requests are written while fewer
 * than `maxInFlight` are unanswered (the server's memory bound) and numbered by their index where they carry no
 * `requestId`. The call ends when the requests do; an error of `requests` cancels it and is thrown; a failed call
 * throws TranslatorCallError after the responses already yielded. Leaving the loop early cancels the call.
 */
export async function* pumpTranslateStream(
  call: TranslateStreamCall,
  requests: AsyncIterable<TranslateRequest> | Iterable<TranslateRequest>,
  maxInFlight: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<TranslateResponse__Output, void, undefined> {
  let inFlight = 0;
  let ended = false;
  let wakeProducer: (() => void) | undefined;
  let producerError: Error | undefined;
  const wake = (): void => {
    const resolve = wakeProducer;
    wakeProducer = undefined;
    resolve?.();
  };
  const produce = async (): Promise<void> => {
    let index = 0;
    for await (const request of requests) {
      while (inFlight >= maxInFlight && !ended) await new Promise<void>((resolve) => (wakeProducer = resolve));
      if (ended) return;
      inFlight += 1;
      const requestId = request.requestId || String(index);
      index += 1;
      if (!call.write({ ...request, requestId })) await once(call, 'drain');
    }
    call.end();
  };
  const producing = produce().catch((error: unknown) => {
    if (ended) return;
    producerError = asError(error);
    call.cancel();
  });
  try {
    for await (const response of call as AsyncIterable<TranslateResponse__Output>) {
      inFlight -= 1;
      wake();
      yield response;
    }
    await producing;
    if (producerError !== undefined) throw producerError;
  } catch (error) {
    throw producerError ?? callError(error, 'TranslateStream', 1, signal);
  } finally {
    ended = true;
    wake();
    call.cancel();
  }
}
