import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ImageSet, encodePng, fromModelOutput, makeGrid, maskToGrey } from '@sim2real/imaging';
import { tf } from '@sim2real/tensor';
import type { StageName, TranslationConfig } from './config.js';
import { type Networks, generate } from './train-step.js';
import type { TrainingProgress } from './training-progress.js';

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

/** Writes a run's sample grids to `samples/step-NNNNNN.png` every sampleEverySteps and at the last step. */
export class SampleWriter {
  constructor(
    private readonly modelDir: string,
    private readonly config: TranslationConfig,
    private readonly networks: Networks,
    private readonly source: ImageSet,
    private readonly progress: TrainingProgress,
  ) {}

  /** A grid is due after step `step` (1-based). */
  due(step: number): boolean {
    return step % this.config.sampleEverySteps === 0 || step === this.config.steps;
  }

  /** Renders the grid after step `step`, writes it and reports it with the step's losses and λ. */
  async write(stage: StageName, step: number, losses: Record<string, number>, lambda: number): Promise<void> {
    const png = await renderSampleGrid(this.networks, stage, this.source, this.config.sampleImages);
    await writeFile(join(this.modelDir, 'samples', `step-${String(step).padStart(6, '0')}.png`), png);
    await this.progress.sampleWritten(stage, step, losses, lambda, png);
  }
}
