/** Counts by key; a key never added counts 0, and a count that falls to 0 is forgotten. */
export class Tally {
  readonly #counts = new Map<string, number>();

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string, n: number): void {
    const next = (this.#counts.get(key) ?? 0) + n;
    if (next === 0) this.#counts.delete(key);
    else this.#counts.set(key, next);
  }

  /** Adds every count of `other`. */
  addAll(other: Tally): void {
    for (const [key, n] of other.#counts) this.add(key, n);
  }

  keys(): IterableIterator<string> {
    return this.#counts.keys();
  }

  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }
}

/** Undelivered queue rows by mesh, by recipient member and by sending member. */
export class QueueTallies {
  readonly meshes = new Tally();
  readonly recipients = new Tally();
  readonly senders = new Tally();

  addAll(other: QueueTallies): void {
    this.meshes.addAll(other.meshes);
    this.recipients.addAll(other.recipients);
    this.senders.addAll(other.senders);
  }
}
