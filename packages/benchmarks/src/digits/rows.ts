import type { MnistDataset } from '@sim2real/datasets';
import type { DigitsConfig } from './config.js';

/** The classifier rows, in table order. */
export const ROWS = ['source_only', 'initial', 'final', 'label_consistent', 'oracle'] as const;
export type RowName = (typeof ROWS)[number];

/** The rows a run reports: label_consistent only with --label-consistent. */
export const rowsOf = (config: DigitsConfig): RowName[] => ROWS.filter((row) => row !== 'label_consistent' || config.labelConsistent);

/** The rows trained on translations, and the metric of the labels each keeps. */
export const TRANSLATED_ROWS = { initial: 'label_preservation_initial', final: 'label_preservation', label_consistent: 'label_preservation_label_consistent' } as const;
export type TranslatedRow = keyof typeof TRANSLATED_ROWS;
export const isTranslatedRow = (row: RowName): row is TranslatedRow => row in TRANSLATED_ROWS;

/** A row's accuracy, or the labels a translated row keeps. */
export type Metric = RowName | (typeof TRANSLATED_ROWS)[TranslatedRow];

/** The metrics a run reports: its rows' accuracies and the labels each translated row keeps. */
export const metricsOf = (config: DigitsConfig): Metric[] => rowsOf(config).flatMap((row) => (isTranslatedRow(row) ? [row, TRANSLATED_ROWS[row]] : [row]));

/** The source and target sets' names in the table. */
export const DOMAIN_NAMES: Record<MnistDataset, { source: string; target: string; items: string }> = {
  digits: { source: 'MNIST', target: 'MNIST-M', items: 'digits' },
  fashion: { source: 'Fashion-MNIST', target: 'Fashion-MNIST-M', items: 'clothing images' },
};

/** What a row's classifier was trained on, in words. */
export function trainedOn(row: RowName, dataset: MnistDataset): string {
  const { source, target } = DOMAIN_NAMES[dataset];
  return {
    source_only: `${source} (source only)`,
    initial: `G0(${source}) (ours, initial)`,
    final: `G(${source}) (ours, with attention)`,
    label_consistent: `G(${source}) (ours, label-consistent)`,
    oracle: `${target} labels (oracle)`,
  }[row];
}

/** What the defaults should reach: gap closed by the final row, label preservation, and the label-consistent row's (at least the oracle). */
export const GOALS: Record<MnistDataset, { gapClosed: number; labelPreservation?: number; labelConsistent?: { gapClosed: number; labelPreservation: number } }> = {
  digits: { gapClosed: 0.8, labelPreservation: 0.95, labelConsistent: { gapClosed: 1, labelPreservation: 0.97 } },
  fashion: { gapClosed: 0.6 },
};

/** A seed's figures: every metric of metricsOf(config) (label_preservation* = the oracle's accuracy on a translated row against the source labels). */
export interface SeedResult extends Partial<Record<Metric, number>> {
  seed: number;
  translator_lambda: number;
  translator_degraded: boolean;
  /** The translator's steps and batch, as its preset and flags resolved them. */
  translator_steps: number;
  translator_batch: number;
  wall_time_s: number;
}

/** Wall and CPU seconds of a seed's phases (data_s, translator_train_s, translate_s, classify_s). */
export interface SeedPhases {
  wall: Record<string, number>;
  cpu: Record<string, number>;
}
