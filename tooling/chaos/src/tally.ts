/** Counts occurrences of short labels (error codes, log messages) for a one-line summary. */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(label: string): void {
    this.#counts.set(label, (this.#counts.get(label) ?? 0) + 1);
  }

  get size(): number {
    return this.#counts.size;
  }

  /** `label ×n` pairs, most frequent first, at most `limit` of them. */
  summary(limit = 6): string {
    const sorted = [...this.#counts].sort((a, b) => b[1] - a[1]);
    const shown = sorted.slice(0, limit).map(([label, n]) => `${label} ×${n}`);
    if (sorted.length > limit) shown.push(`… ${sorted.length - limit} more`);
    return shown.join(", ");
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
