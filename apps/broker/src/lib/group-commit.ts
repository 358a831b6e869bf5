/** Items submitted from anywhere, committed together: many submissions, one statement. */
export interface GroupCommit<T, R> {
  /** Resolves with the item's result once its batch is committed; rejects if the batch failed. */
  submit: (item: T) => Promise<R>;
  /** Resolves when nothing is waiting or in flight. */
  idle: () => Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: items wait in arrival order and are committed in batches of
 * up to `maxBatch`, one batch in flight at a time, so while one commits the
 * next fills. The first batch waits one turn of the event loop, so every
 * frame already read joins it. `batchSize` may cut a batch shorter (it is
 * given the waiting items, oldest first, and the cap).
 */
export function createGroupCommit<T, R>(options: {
  /** Commits one batch; returns one result per item, in order. */
  commit: (items: T[]) => Promise<R[]>;
  maxBatch: number;
  batchSize?: (waiting: readonly T[], maxBatch: number) => number;
}): GroupCommit<T, R> {
  const waiting: Waiting<T, R>[] = [];
  let flushing: Promise<void> | undefined;

  const takeBatch = (): Waiting<T, R>[] => {
    const cap = Math.min(options.maxBatch, waiting.length);
    const size = options.batchSize
      ? options.batchSize(
          waiting.slice(0, cap).map((w) => w.item),
          cap,
        )
      : cap;
    return waiting.splice(0, Math.max(1, Math.min(size, cap)));
  };

  const flush = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = takeBatch();
      try {
        const results = await options.commit(batch.map((w) => w.item));
        batch.forEach((w, i) => {
          w.resolve(results[i] as R);
        });
      } catch (e: unknown) {
        for (const w of batch) w.reject(e);
      }
    }
  };

  const kick = (): void => {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = undefined;
      if (waiting.length > 0) kick();
    });
  };

  return {
    submit: (item) =>
      new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        kick();
      }),
    idle: async () => {
      while (flushing) await flushing;
    },
  };
}
