import type { ImageSet } from '@sim2real/imaging';
import { SeededRandom, shuffleInPlace } from '@sim2real/random';
import { tf } from '@sim2real/tensor';
import { DatasetOptionError } from './errors.js';

/** The one training recipe of the digits benchmark: every row trains with exactly these settings. */
export interface DigitClassifierOptions {
  /** Optimizer steps. @default 600 */
  steps?: number;
  /** Images per step. @default 32 */
  batchSize?: number;
  /** Adam learning rate, decayed linearly to 0 over the second half. @default 0.001 */
  learningRate?: number;
  /** Seed of the weights and the sampling order. @default 0 */
  seed?: number;
  signal?: AbortSignal;
  /** Called after every step with its cross-entropy. */
  onStep?: (step: number, loss: number) => void;
}

/** A trained 10-class digit classifier; `dispose()` frees its weights. */
export interface DigitClassifier {
  /** Predicted class of every image of `images`. */
  predict(images: ImageSet): Int32Array;
  /** Fraction of `images` whose predicted class equals `labels[i]`. */
  accuracy(images: ImageSet, labels: readonly number[]): number;
  dispose(): void;
}

const CLASSES = 10;
const EVAL_BATCH = 128;

/**
 * Dropout with a new mask at every training call that still repeats for a seed: `tf.layers.dropout` given
 * a seed draws the same mask at every step (a fixed pruning, not dropout), and without one cannot repeat.
 */
class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  private calls = 0;

  constructor(
    private readonly rate: number,
    private readonly seed: number,
  ) {
    super({});
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return kwargs.training === true ? tf.dropout(x, this.rate, undefined, this.seed + ++this.calls) : x;
  }
}

/**
 * A small CNN: three conv-BN-ReLU-pool stages of 16/32/64 filters, flatten, dropout, dense 128, dropout,
 * dense 10 (≈ 3 M multiply-adds per 32 px image, so a few hundred steps take minutes on one wasm CPU core).
 * Flattening keeps where the strokes are; global average pooling loses it (BENCHMARKS.md, "Calibrations").
 */
function buildNetwork(size: number, seed: number): tf.LayersModel {
  let n = 0;
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed * 101 + ++n });
  const input = tf.input({ shape: [size, size, 3] });
  let x: tf.SymbolicTensor = input;
  for (const filters of [16, 32, 64]) {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = new SeededDropout(0.3, seed * 1_000_003).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = new SeededDropout(0.3, seed * 1_000_003 + 500_000).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: CLASSES, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/**
 * Per-image contrast normalisation (zero mean, unit variance over pixels and channels): the classifier then
 * reads shapes rather than a domain's overall brightness (MNIST-M oracle +1 point, MNIST-trained +3 points).
 */
function standardise(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(images, [1, 2, 3], true);
    return tf.div(tf.sub(images, mean), tf.sqrt(tf.add(variance, 1e-3)));
  });
}

/** Trains the benchmark's classifier on `images` (any of the domains) with class `labels` 0–9. */
export async function trainDigitClassifier(images: ImageSet, labels: readonly number[], options: DigitClassifierOptions = {}): Promise<DigitClassifier> {
  const { steps = 600, batchSize = 32, learningRate = 1e-3, seed = 0, signal, onStep } = options;
  if (images.count !== labels.length) throw new DatasetOptionError(`${images.count} images but ${labels.length} labels.`);
  if (images.count === 0) throw new DatasetOptionError('The classifier needs at least one training image.');
  if (labels.some((l) => !Number.isInteger(l) || l < 0 || l >= CLASSES)) throw new DatasetOptionError('Digit labels must be integers 0–9.');
  const model = buildNetwork(images.size, seed);
  const optimizer = tf.train.adam(learningRate);
  const setRate = (rate: number): void => void ((optimizer as unknown as { learningRate: number }).learningRate = rate);
  const random = SeededRandom.fromSeeds(seed, 3);
  let order: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      signal?.throwIfAborted();
      if (order.length < batchSize) order = order.concat(shuffleInPlace(Array.from({ length: images.count }, (_, i) => i), random));
      const indices = order.splice(0, batchSize);
      setRate(learningRate * Math.min(1, 2 * (1 - step / steps)));
      const loss = tf.tidy(() => {
        const x = standardise(images.batch(indices));
        const y = tf.oneHot(tf.tensor1d(indices.map((i) => labels[i]!), 'int32'), CLASSES);
        return optimizer.minimize(() => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
      });
      onStep?.(step + 1, (await loss.data())[0]!);
      loss.dispose();
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  const predict = (set: ImageSet): Int32Array => {
    const out = new Int32Array(set.count);
    for (let start = 0; start < set.count; start += EVAL_BATCH) {
      const indices = Array.from({ length: Math.min(EVAL_BATCH, set.count - start) }, (_, i) => start + i);
      const classes = tf.tidy(() => tf.argMax(model.apply(standardise(set.batch(indices)), { training: false }) as tf.Tensor, -1));
      out.set(classes.dataSync(), start);
      classes.dispose();
    }
    return out;
  };
  return {
    predict,
    accuracy(set, truth) {
      if (set.count !== truth.length) throw new DatasetOptionError(`${set.count} images but ${truth.length} labels.`);
      const predicted = predict(set);
      return predicted.reduce((hits, p, i) => hits + (p === truth[i] ? 1 : 0), 0) / Math.max(1, set.count);
    },
    dispose: () => model.dispose(),
  };
}
