import { type ImageSet, encodePng, fromModelOutput, makeGrid, maskToGrey } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import type { StageName } from './config.js';
import { type Networks, generate } from './train-step.js';

/**
 * Sample grid of the first `count` source images, one row each for input | G0(x) | attention | G(x)
 * (batch norm in inference mode, as a loaded translator would run). Returns PNG bytes.
 */
export async function renderSampleGrid(networks: Networks, stage: StageName, source: ImageSet, count: number): Promise<Uint8Array> {
  const indices = Array.from({ length: Math.min(count, source.count) }, (_, i) => i);
  const [x, initial, attention, output] = tf.tidy(() => {
    const input = source.batch(indices);
    const out = generate(networks, stage, input, false);
    return [input, out.initial, out.mask ?? tf.ones<tf.Rank.R4>([indices.length, source.size, source.size, 1]), out.output];
  });
  try {
    return await encodePng(makeGrid([fromModelOutput(x), fromModelOutput(initial), maskToGrey(attention), fromModelOutput(output)]));
  } finally {
    tf.dispose([x, initial, attention, output]);
  }
}
