/**
 * What an attack opened (brokers, databases, sockets, child processes),
 * released in reverse order when the attack ends, however it ended.
 */
export class Resources {
  readonly #releases: (() => Promise<unknown> | unknown)[] = [];

  /** Registers `release` to run when the attack ends; returns `value` for chaining. */
  hold<T>(value: T, release: (value: T) => Promise<unknown> | unknown): T {
    this.#releases.push(() => release(value));
    return value;
  }

  /** Runs every release, newest first; a failing one is reported and the rest still run. */
  async releaseAll(report: (problem: string) => void): Promise<void> {
    while (this.#releases.length > 0) {
      const release = this.#releases.pop();
      try {
        await release?.();
      } catch (e: unknown) {
        report(`cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
