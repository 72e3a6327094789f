import { SeededRandom } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import type { RegressorConfig } from './config.js';
import { buildRegressorNetwork } from './network.js';
import { SampleStore, type LabelledImage } from './sample-store.js';

/** MSE of a regressor on a labelled set. */
export interface Evaluation {
  /** Mean over samples and the `outputs` coefficients of (prediction − label)². */
  readonly mse: number;
  /** The same mean per coefficient. */
  readonly perOutput: Float32Array;
  readonly samples: number;
}

/**
 * Online training of the 3DMM regressor: samples arrive in batches into a bounded replay store; every step draws a
 * mini-batch from it (seeded), so a stream and a folder are trained the same way.
 */
export class RegressorTrainer {
  readonly config: RegressorConfig;
  readonly model: tf.LayersModel;
  readonly replay: SampleStore;
  #step: number;
  #samplesSeen: number;
  #lastEvalMse: number | undefined;
  readonly #rng: SeededRandom;

  private constructor(config: RegressorConfig, model: tf.LayersModel, state?: CheckpointState) {
    this.config = config;
    this.model = model;
    this.model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'meanSquaredError' });
    this.replay = new SampleStore({ size: config.imageSize, outputs: config.outputs, capacity: config.replayCapacity });
    this.#step = state?.step ?? 0;
    this.#samplesSeen = state?.samplesSeen ?? 0;
    this.#lastEvalMse = state?.lastEvalMse;
    this.#rng = SeededRandom.fromSeeds(config.seed * 7919 + this.#step);
  }

  /** A fresh network, or the one in `resumeFrom` when that folder holds a checkpoint (optimizer moments restart). */
  static async create(config: RegressorConfig, resumeFrom?: string): Promise<RegressorTrainer> {
    if (resumeFrom !== undefined) {
      const loaded = await loadCheckpoint(resumeFrom).catch(() => undefined);
      if (loaded) return new RegressorTrainer(config, loaded.model, loaded.state);
    }
    return new RegressorTrainer(config, buildRegressorNetwork(config));
  }

  get step(): number {
    return this.#step;
  }

  get samplesSeen(): number {
    return this.#samplesSeen;
  }

  get lastEvalMse(): number | undefined {
    return this.#lastEvalMse;
  }

  async addSamples(samples: readonly LabelledImage[]): Promise<void> {
    await this.replay.add(samples);
    this.#samplesSeen += samples.length;
  }

  /** One optimiser step on a mini-batch drawn from the replay store; resolves to its MSE loss. */
  async trainStep(): Promise<number> {
    const available = this.replay.count;
    if (available === 0) throw new Error('No samples to train on yet.');
    const indices = Array.from({ length: Math.min(this.config.batchSize, available) }, () => this.#rng.int(available));
    const max = this.config.augmentShiftPx;
    const shift = (): number => this.#rng.int(2 * max + 1) - max;
    const { x, y } = this.replay.tensors(indices, max > 0 ? indices.map(() => [shift(), shift()] as const) : undefined);
    try {
      const loss = await this.model.trainOnBatch(x, y);
      this.#step += 1;
      return Array.isArray(loss) ? loss[0]! : loss;
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  /** Scores the network on every sample of `set` (inference mode: batch-norm running statistics). */
  evaluate(set: SampleStore, batchSize = 64): Evaluation {
    const perOutput = new Float64Array(set.outputs);
    for (let start = 0; start < set.count; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, i) => start + i);
      const { x, y } = set.tensors(indices);
      const sums = tf.tidy(() => {
        const prediction = this.model.predict(x) as tf.Tensor2D;
        const width = Math.min(set.outputs, this.config.outputs);
        const diff = tf.sub(tf.slice(prediction, [0, 0], [-1, width]), tf.slice(y, [0, 0], [-1, width]));
        return tf.sum(tf.square(diff), 0).dataSync();
      });
      x.dispose();
      y.dispose();
      sums.forEach((s, k) => (perOutput[k]! += s));
    }
    const count = Math.max(1, set.count);
    const averaged = Float32Array.from(perOutput, (s) => s / count);
    const mse = averaged.reduce((a, b) => a + b, 0) / averaged.length;
    this.#lastEvalMse = mse;
    return { mse, perOutput: averaged, samples: set.count };
  }

  async saveCheckpoint(dir: string): Promise<void> {
    await saveCheckpoint(this.model, dir, {
      step: this.#step,
      samplesSeen: this.#samplesSeen,
      ...(this.#lastEvalMse === undefined ? {} : { lastEvalMse: this.#lastEvalMse }),
      config: this.config,
      savedAt: new Date().toISOString(),
    });
  }

  dispose(): void {
    this.model.optimizer.dispose();
    this.model.dispose();
  }
}
