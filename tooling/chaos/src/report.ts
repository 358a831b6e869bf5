import type { ScenarioResult } from "./scenario.ts";

const HEADER = [
  "#",
  "scenario",
  "sent",
  "acked",
  "unacked",
  "expected",
  "delivered",
  "lost",
  "duplicated",
  "verdict",
  "time",
];

/** The table's cells for one result; a skipped row shows dashes and its reason. */
export function rowCells(r: ScenarioResult): string[] {
  const c = r.counts;
  const n = (v: number | undefined) => (v === undefined ? "-" : String(v));
  const verdict = r.verdict === "skipped" ? (r.notes[0] ?? "skipped") : r.verdict;
  return [
    String(r.number),
    r.name,
    n(c?.sent),
    n(c?.acked),
    n(c?.unacked),
    n(c?.expected),
    n(c?.delivered),
    n(c?.lost),
    n(c?.duplicated),
    verdict,
    r.verdict === "skipped" ? "-" : `${r.seconds.toFixed(1)} s`,
  ];
}

/** A plain-text table, numbers right-aligned. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = [HEADER, ...results.map(rowCells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 8 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join("\n");
}

/** Under the table: per scenario, its notes and every check (failed ones marked). */
export function formatDetails(results: readonly ScenarioResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.verdict === "skipped") continue;
    out.push(`${r.number} ${r.name}:`);
    for (const check of r.checks) out.push(`  ${check.ok ? "ok  " : "FAIL"} ${check.name} (${check.detail})`);
    for (const note of r.notes) out.push(`  - ${note}`);
  }
  return out.join("\n");
}
