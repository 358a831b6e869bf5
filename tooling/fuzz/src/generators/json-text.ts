/**
 * Frames as ordered (key, JSON text) entries, so a mutation can do what
 * `JSON.stringify` cannot: duplicate a key, write `1e999` or a 40-digit
 * integer, nest 10 000 levels deep, or carry a lone surrogate escape.
 */
export type Entries = [key: string, valueText: string][];

/** `value` as JSON text. */
export const json = (value: unknown): string => JSON.stringify(value);

/** Entries of a plain object, each value stringified. */
export function toEntries(obj: Record<string, unknown>): Entries {
  return Object.entries(obj).map(([k, v]) => [k, json(v)]);
}

/** `{"k":v,...}` exactly as the entries say, duplicates and all. */
export function entriesText(entries: Entries): string {
  return `{${entries.map(([k, v]) => `${json(k)}:${v}`).join(",")}}`;
}
