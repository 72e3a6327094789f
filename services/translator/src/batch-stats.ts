/** The inference batches a server ran, counted for tests, benchmarks and logs (TranslatorServerStats' batch fields). */
export interface BatchCounts {
  batches: number;
  /** Images that went through inference. */
  batchedImages: number;
  largestBatch: number;
  /** Batch size → number of batches of that size. */
  batchSizes: Record<number, number>;
  /** Engine kind → images it translated. */
  imagesByEngine: Record<string, number>;
}

/** Counts each successful inference batch by size and engine. */
export class BatchStats {
  private readonly counts: BatchCounts = { batches: 0, batchedImages: 0, largestBatch: 0, batchSizes: {}, imagesByEngine: {} };

  /** One batch of `size` images that `engine` translated. */
  record(size: number, engine: string): void {
    const c = this.counts;
    c.batches += 1;
    c.batchedImages += size;
    c.largestBatch = Math.max(c.largestBatch, size);
    c.batchSizes[size] = (c.batchSizes[size] ?? 0) + 1;
    c.imagesByEngine[engine] = (c.imagesByEngine[engine] ?? 0) + size;
  }

  /** A copy of the counts. */
  snapshot(): BatchCounts {
    return { ...this.counts, batchSizes: { ...this.counts.batchSizes }, imagesByEngine: { ...this.counts.imagesByEngine } };
  }
}
