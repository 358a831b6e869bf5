/** What {@link runBatchesUntilShort} did. */
export interface BatchedRun {
  batches: number;
  /** The last batch came back full: work may be left for the next run. */
  backlogLeft: boolean;
}

/**
 * Runs `batch` (which answers whether it came back full) until one comes back
 * short or `maxBatches` have run: a backlog is worked off in bounded
 * statements, and one run stays bounded too.
 */
export async function runBatchesUntilShort(batch: () => Promise<boolean>, maxBatches: number): Promise<BatchedRun> {
  let batches = 0;
  let full = true;
  while (full && batches < maxBatches) {
    full = await batch();
    batches += 1;
  }
  return { batches, backlogLeft: full };
}
