import type { SourceLabels } from '@sim2real/datasets';
import type { ImageSet } from '@sim2real/imaging';
import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from './config.js';
import { augmentForDiscriminator } from './discriminator-augment.js';
import { EpochSampler } from './epoch-sampler.js';
import { labelBatch } from './label-consistency.js';
import { trainingNoise } from './noise.js';
import { sourceBatch } from './train-step.js';

/** Tag of the random stream of D's augmentations, drawn per step so that a resumed run repeats them. */
const AUGMENT_STREAM = 0x61756720;

/** The inputs of one training step; `dispose()` releases its tensors. */
export interface StepBatch {
  /** Source images [batch, size, size, 3]. */
  x: tf.Tensor4D;
  /** Target images [batch, size, size, 3]. */
  y: tf.Tensor4D;
  /** G0's z per image; undefined when G0 takes none. */
  noise: tf.Tensor2D | undefined;
  /** The labels of `x`, row for row (label-consistent runs). */
  labels: tf.Tensor2D | undefined;
  /** What D sees of an image batch: the step's own random augmentation of it (or the batch). */
  discriminatorView: (images: tf.Tensor4D) => tf.Tensor4D;
  dispose(): void;
}

/** Draws each step's batches: shuffled epochs over both image sets, the source labels, G0's noise and D's augmentation. */
export class StepBatches {
  readonly #sourceSampler: EpochSampler;
  readonly #targetSampler: EpochSampler;

  /** `random` drives the epoch order (source, then target draws). */
  constructor(
    private readonly config: TranslationConfig,
    private readonly source: ImageSet,
    private readonly target: ImageSet,
    private readonly labels: SourceLabels | undefined,
    random: SeededRandom,
  ) {
    this.#sourceSampler = new EpochSampler(source.count, random);
    this.#targetSampler = new EpochSampler(target.count, random);
  }

  /** The batch of 0-based global step `index`. */
  draw(index: number): StepBatch {
    const { config } = this;
    const sourceIndices = sourceBatch(config, (count) => this.#sourceSampler.take(count));
    const x = this.source.batch(sourceIndices);
    const y = this.target.batch(this.#targetSampler.take(config.batchSize));
    const labels = this.labels ? labelBatch(this.labels, sourceIndices) : undefined;
    const noise = trainingNoise(config.seed, index, config.batchSize, config.noiseSize);
    const augmentRandom = SeededRandom.fromSeeds(config.seed, index, AUGMENT_STREAM);
    return {
      x,
      y,
      noise,
      labels,
      discriminatorView: (images) => augmentForDiscriminator(images, config.discriminatorAugment, augmentRandom),
      dispose: () => tf.dispose([x, y, ...(noise ? [noise] : []), ...(labels ? [labels] : [])]),
    };
  }
}
