import type { BenchPeer } from "./bench-fixture.ts";
import type { PairClass } from "./delivery-tracker.ts";

/** Round-robin: the peer with index `index` sessions on instance `index mod instances`. */
export function instanceOf(index: number, instances: number): number {
  return index % instances;
}

/** A peer's `/ws` URL among `wsUrls` (one per instance), round-robin by its index. */
export function spreadOver(wsUrls: readonly string[]): (peer: BenchPeer) => string {
  if (wsUrls.length === 0) throw new Error("spreadOver needs at least one instance");
  return (peer) => wsUrls[instanceOf(peer.index, wsUrls.length)] as string;
}

/** Whether an envelope stays on its sender's instance or has to be woken on another one. */
export type PairKind = "same" | "cross";

/** Classifies (sender, recipient) by whether round-robin puts them on one instance. */
export function instancePairs(instances: number): PairClass {
  return (sender, recipient): PairKind =>
    instanceOf(sender, instances) === instanceOf(recipient, instances) ? "same" : "cross";
}
