type AnyListener = (...args: unknown[]) => void;

/** A typed set of event listeners; a listener that throws does not stop the others. */
export class Listeners<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #byEvent = new Map<keyof Events, Set<AnyListener>>();

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): () => void {
    const erased = listener as unknown as AnyListener;
    let set = this.#byEvent.get(event);
    if (!set) {
      set = new Set();
      this.#byEvent.set(event, set);
    }
    set.add(erased);
    return () => set.delete(erased);
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const listener of this.#byEvent.get(event) ?? []) {
      try {
        listener(...args);
      } catch {
        // A listener's failure is the listener's business; the client goes on.
      }
    }
  }
}
