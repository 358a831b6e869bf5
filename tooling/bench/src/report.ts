/**
 * One line of a workload's table: what was measured, its value, and the
 * target when there is one; a table of targets adds whether each is met and,
 * for a missed one, the measured figure that bounds it.
 */
export interface ReportRow {
  metric: string;
  value: string;
  target?: string;
  verdict?: string;
  bound?: string;
}

/** The optional columns, in the order they are printed after metric and value. */
const OPTIONAL_COLUMNS = ["target", "verdict", "bound"] as const;

/** A workload's printed table. */
export interface ReportTable {
  title: string;
  rows: ReportRow[];
}

/** Formats a number for a table: integers grouped, small values with a few decimals, NaN as "n/a". */
export function formatNumber(value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 1000 || Number.isInteger(value)) {
    return Math.round(value).toLocaleString("en-US");
  }
  return value.toFixed(decimals);
}

/** A rate: `count` per second over `wallMs` milliseconds. */
export function perSecond(count: number, wallMs: number): number {
  return count / (wallMs / 1000);
}

/** Milliseconds with a unit. */
export function ms(value: number): string {
  return Number.isFinite(value) ? `${formatNumber(value, value < 10 ? 2 : 1)} ms` : "n/a";
}

/** A plain-text table with aligned columns; target, verdict and bound columns only when some row has one. */
export function formatTable(table: ReportTable): string {
  const optional = OPTIONAL_COLUMNS.filter((c) => table.rows.some((r) => r[c] !== undefined));
  const header = ["metric", "value", ...optional];
  const cells = table.rows.map((r) => [r.metric, r.value, ...optional.map((c) => r[c] ?? "")]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i === 1 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [`### ${table.title}`, line(header), rule, ...cells.map(line)].join("\n");
}
