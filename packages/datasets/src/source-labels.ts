import { LabelledFolderError } from './errors.js';
import { readLabelledFolder, type ReadLabelledFolderOptions } from './labelled-folder.js';

/**
 * The labels of a translator's source images, one per image in the order of its image set: class indices
 * (with the class names, index i ↔ classNames[i]) or float vectors of one length (e.g. 3DMM coefficients).
 */
export type SourceLabels =
  | { kind: 'class'; indices: number[]; classNames: string[] }
  | { kind: 'vector'; values: number[][] };

/** Every label of a labelled folder by sample id (its `/`-separated path relative to the folder). */
export type FolderLabels =
  | { kind: 'class'; byId: Map<string, number>; classNames: string[] }
  | { kind: 'vector'; byId: Map<string, number[]>; dimensions: number };

/**
 * Reads the labels of `dir` as `readLabelledFolder` does (class sub-folders, or `labels.jsonl` like `sim2real
 * publish`), for a task network to learn: every label must be a class index, or every one a vector of the same
 * length. Class names are the sub-folder names, or the indices 0..max of `labels.jsonl`. Throws
 * LabelledFolderError with one sentence for a folder without labels or labels that cannot be learned.
 */
export async function readFolderLabels(dir: string, options: Pick<ReadLabelledFolderOptions, 'signal' | 'within'> = {}): Promise<FolderLabels> {
  const classes = new Map<string, number>();
  const names: string[] = [];
  const vectors = new Map<string, number[]>();
  for await (const sample of readLabelledFolder(dir, options)) {
    const { label } = sample;
    const mixed = (label.kind === 'classIndex' && vectors.size > 0) || (label.kind === 'vector' && classes.size > 0);
    if (label.kind === 'opaque' || mixed) {
      const problem = mixed ? 'mixes class indices and vectors' : 'is opaque';
      throw new LabelledFolderError(`${dir}: the label of ${sample.id} ${problem}; a task network learns class indices or vectors of one length.`, {
        dir,
        file: sample.id,
      });
    }
    if (label.kind === 'classIndex') {
      classes.set(sample.id, label.value);
      names[label.value] ??= sample.className ?? String(label.value);
    } else {
      const first = vectors.values().next().value;
      if (first && first.length !== label.values.length) {
        throw new LabelledFolderError(`${dir}: the label of ${sample.id} has ${label.values.length} values where others have ${first.length}.`, {
          dir,
          file: sample.id,
        });
      }
      vectors.set(sample.id, label.values);
    }
  }
  if (vectors.size > 0) return { kind: 'vector', byId: vectors, dimensions: vectors.values().next().value!.length };
  if (classes.size === 0) throw new LabelledFolderError(`${dir} holds no labelled image.`, { dir });
  return { kind: 'class', byId: classes, classNames: Array.from(names, (name, index) => name ?? String(index)) };
}

/** The labels of `files` (paths relative to `dir`, e.g. an image folder's loaded files) in their order; throws naming the first file without one. */
export function sourceLabelsOf(labels: FolderLabels, files: readonly string[], dir: string): SourceLabels {
  const labelOf = <T>(byId: Map<string, T>) => (file: string): T => {
    const label = byId.get(file);
    if (label === undefined) throw new LabelledFolderError(`${dir}: ${file} has no label.`, { dir, file });
    return label;
  };
  return labels.kind === 'class'
    ? { kind: 'class', indices: files.map(labelOf(labels.byId)), classNames: labels.classNames }
    : { kind: 'vector', values: files.map(labelOf(labels.byId)) };
}
