import { createHash } from 'node:crypto';
import type { SourceLabels } from '@sim2real/datasets';
import { tf } from '@sim2real/tensor';
import { ConfigError } from './errors.js';

/** What the manifest records of a label-consistent run: the label set it was trained on. */
export type LabelSetRecord =
  | { kind: 'class'; classCount: number; classNames: string[]; sha256: string }
  | { kind: 'vector'; dimensions: number; sha256: string };

/** Outputs of the task network for `labels`: one logit per class, or one value per vector element. */
export function taskOutputs(labels: SourceLabels): number {
  return labels.kind === 'class' ? labels.classNames.length : (labels.values[0]?.length ?? 0);
}

/**
 * The manifest's record of `labels`; `sha256` hashes the labels of every source image in order (with the class
 * names), so that two runs on the same labelled set record the same hash.
 */
export function labelSetRecord(labels: SourceLabels): LabelSetRecord {
  const sha256 = createHash('sha256').update(JSON.stringify(labels)).digest('hex');
  return labels.kind === 'class'
    ? { kind: 'class', classCount: labels.classNames.length, classNames: [...labels.classNames], sha256 }
    : { kind: 'vector', dimensions: taskOutputs(labels), sha256 };
}

/** Throws ConfigError when `labels` cannot train with `sourceCount` source images. */
export function checkSourceLabels(labels: SourceLabels, sourceCount: number): void {
  const count = labels.kind === 'class' ? labels.indices.length : labels.values.length;
  if (count !== sourceCount) throw new ConfigError('sourceLabels', `There are ${count} source labels for ${sourceCount} source images; give one per image.`);
  if (taskOutputs(labels) < 1) throw new ConfigError('sourceLabels', 'The source labels name no class and hold no value.');
  if (labels.kind === 'class' && labels.indices.some((i) => !Number.isInteger(i) || i < 0 || i >= labels.classNames.length)) {
    throw new ConfigError('sourceLabels', `Every class index must be an integer from 0 to ${labels.classNames.length - 1}.`);
  }
}

/** The labels of source images `indices`: one-hot rows [n, classes] or vectors [n, dimensions]; caller disposes. */
export function labelBatch(labels: SourceLabels, indices: readonly number[]): tf.Tensor2D {
  return tf.tidy(() =>
    labels.kind === 'class'
      ? (tf.oneHot(tf.tensor1d(indices.map((i) => labels.indices[i]!), 'int32'), labels.classNames.length).toFloat() as tf.Tensor2D)
      : tf.tensor2d(indices.map((i) => labels.values[i]!)),
  );
}

/** The task loss of predictions [n, outputs] against `labels` from labelBatch: softmax cross-entropy for classes, mean squared error for vectors. */
export function taskLoss(kind: SourceLabels['kind'], predictions: tf.Tensor, labels: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() =>
    kind === 'class' ? tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels, predictions) : tf.mean(tf.square(tf.sub(predictions, labels))),
  );
}
