import { writeFile } from 'node:fs/promises';
import { faceStrip, iterateFaces, type FaceSample } from '@sim2real/face-synth';
import { decodeImage, encodePng } from '@sim2real/imaging';
import type { TranslatorClient } from '@sim2real/client';

/**
 * The first published faces, translated by the served generator (Translate RPC, with attention), as a strip:
 * sim | translated | attention | the real-style render of the same face. Returns the PNG's path.
 */
export async function writeSampleStrip(
  client: TranslatorClient,
  options: { model: string; seed: number; size: number; photosDir: string; file: string; signal: AbortSignal },
): Promise<string> {
  const sim: FaceSample[] = [];
  for await (const face of iterateFaces({ count: 6, style: 'sim', size: options.size, seed: options.seed, signal: options.signal })) sim.push(face);
  const response = await client.translate(
    {
      requestId: 'demo-samples',
      model: options.model,
      images: await Promise.all(sim.map(async (face) => ({ data: await encodePng(face.image), encoding: 'ENCODING_PNG' as const }))),
      includeAttention: true,
    },
    { signal: options.signal, timeoutMs: 60_000 },
  );
  const decode = (data: Buffer | Uint8Array | undefined, name: string) => decodeImage(Buffer.from(data ?? []), { name });
  const output = await Promise.all(response.results.map((r, i) => decode(r.image?.data, `translated ${i}`)));
  const attention = await Promise.all(response.results.map((r, i) => decode(r.attention?.data, `attention ${i}`)));
  await writeFile(options.file, await encodePng(await faceStrip(sim, { output, attention }, options)));
  return options.file;
}
