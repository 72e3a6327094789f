import type { IncomingMessage } from 'node:http';
import { CapacityError } from '../errors.js';

/** A request's body; CapacityError (→ 429) naming the limit once it passes `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number, limitName: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new CapacityError(limitName, `The request body is over ${limit} bytes (limit ${limitName}); send less.`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
