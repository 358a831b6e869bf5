/**
 * This instance's view of each mesh's undelivered envelopes, for the
 * per-mesh queue cap: the counts Postgres gave at the last sweep, plus what
 * this instance queued since. Other instances' sends show up at the next
 * sweep, so the cap holds to within one sweep interval of their traffic.
 */
export class MeshQueueDepth {
  #depth = new Map<string, number>();

  /** Replaces every count with a fresh one from Postgres. */
  refresh(counts: ReadonlyMap<string, number>): void {
    this.#depth = new Map(counts);
  }

  /** Counts rows this instance just queued. */
  added(meshId: string, rows: number): void {
    this.#depth.set(meshId, (this.#depth.get(meshId) ?? 0) + rows);
  }

  /** Whether the mesh already holds `cap` or more undelivered envelopes. */
  isFull(meshId: string, cap: number): boolean {
    return (this.#depth.get(meshId) ?? 0) >= cap;
  }

  /** Undelivered envelopes across all meshes. */
  get total(): number {
    let sum = 0;
    for (const n of this.#depth.values()) sum += n;
    return sum;
  }
}
