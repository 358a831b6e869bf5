/** One line of a workload's table: what was measured, its value, and the target when there is one. */
export interface ReportRow {
  metric: string;
  value: string;
  target?: string;
}

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

/** A plain-text table with aligned columns; the target column only when some row has one. */
export function formatTable(table: ReportTable): string {
  const withTarget = table.rows.some((r) => r.target !== undefined);
  const header = withTarget ? ["metric", "value", "target"] : ["metric", "value"];
  const cells = table.rows.map((r) => (withTarget ? [r.metric, r.value, r.target ?? ""] : [r.metric, r.value]));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i === 1 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [`### ${table.title}`, line(header), rule, ...cells.map(line)].join("\n");
}
