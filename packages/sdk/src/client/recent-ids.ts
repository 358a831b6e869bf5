/**
 * The ids of the last `capacity` envelopes handled, so a redelivery (after a
 * reconnect or a lease timeout) is acknowledged again without reaching the
 * application twice. Oldest ids are forgotten first.
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {}

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    if (this.#ids.has(id)) return;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
  }
}
