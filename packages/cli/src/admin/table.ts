import { terminalText } from "../cli/terminal-text.ts";

/**
 * Rows as aligned columns under a header, for people: every cell made safe
 * for a terminal, columns two spaces apart, no trailing spaces. Columns
 * named in `right` are right-aligned (counts).
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => terminalText(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? "")].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
          return right.has(i) ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A column of a table of `T`s: its header, its cell for one item, and `"right"` for counts. */
export type Column<T> = readonly [header: string, cell: (item: T) => string, align?: "right"];

/** `items` as a table of `columns` ({@link formatTable}). */
export function formatColumns<T>(columns: readonly Column<T>[], items: readonly T[]): string {
  const right = new Set(columns.flatMap(([, , align], i) => (align === "right" ? [i] : [])));
  return formatTable(
    columns.map(([header]) => header),
    items.map((item) => columns.map(([, cell]) => cell(item))),
    right,
  );
}

/** Whole seconds as people read an age: `45s`, `3m`, `2h`, `5d`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** How long ago `iso` was (`3m`); `-` when it is null. A time in the future reads `in 3m`. */
export function formatAge(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return "-";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return ms > now ? `in ${formatSeconds((ms - now) / 1000)}` : formatSeconds((now - ms) / 1000);
}

/** `n thing` or `n things`. */
export function plural(n: number, thing: string, things = `${thing}s`): string {
  return `${n} ${n === 1 ? thing : things}`;
}
