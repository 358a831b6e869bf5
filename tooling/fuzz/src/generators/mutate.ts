import type { Prng } from "../prng.ts";
import { flipText, hostileValueText } from "./hostile-values.ts";
import { type Entries, entriesText, json } from "./json-text.ts";

/** The mutations applied to valid frames and bodies. */
export const MUTATIONS = ["flip", "delete", "duplicate", "retype", "extra", "rename", "swap"] as const;
export type Mutation = (typeof MUTATIONS)[number];

/**
 * One mutation of a valid object's entries, as JSON text: change a value
 * slightly (`flip`), drop a field, repeat a key with a hostile value, give a
 * field a hostile value of another type, add an unknown or prototype-ish
 * field, change a key's case, or swap two values.
 */
export function mutateEntries(rng: Prng, valid: Entries, mutation: Mutation = rng.pick(MUTATIONS)): string {
  const entries: Entries = valid.map(([k, v]) => [k, v]);
  const at = rng.int(0, entries.length - 1);
  const target = entries[at];
  if (!target) return entriesText(entries);
  switch (mutation) {
    case "flip":
      target[1] = flipText(rng, target[1]);
      break;
    case "delete":
      entries.splice(at, 1);
      break;
    case "duplicate": {
      const twin: [string, string] = [target[0], hostileValueText(rng, 20_000)];
      // JSON.parse keeps the last one: try both orders.
      if (rng.chance(0.5)) entries.splice(at, 0, twin);
      else entries.splice(at + 1, 0, twin);
      break;
    }
    case "retype":
      target[1] = hostileValueText(rng, 40_000);
      break;
    case "extra":
      entries.push([
        rng.pick(["__proto__", "constructor", "prototype", "zzz", "", "type ", "\u0000"]),
        rng.chance(0.5) ? json({ type: "hello", polluted: true }) : hostileValueText(rng, 20_000),
      ]);
      break;
    case "rename":
      target[0] = rng.chance(0.5) ? target[0].toUpperCase() : `${target[0]}_`;
      break;
    case "swap": {
      const other = entries[rng.int(0, entries.length - 1)];
      if (other) [target[1], other[1]] = [other[1], target[1]];
      break;
    }
  }
  return entriesText(entries);
}
