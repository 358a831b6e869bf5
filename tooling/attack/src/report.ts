import type { AttackResult } from "./attack.ts";
import { formatMs } from "./stats.ts";

const HEADER = ["#", "attack", "figure", "victim p99 before→during", "verdict", "time"];

/** The victim column: p99 before → during, or a dash where the attack measured none. */
export function victimCell(r: AttackResult): string {
  if (!r.victim) return "-";
  return `${formatMs(r.victim.beforeP99Ms)} → ${formatMs(r.victim.duringP99Ms)}`;
}

/** The table's cells for one result. */
export function rowCells(r: AttackResult): string[] {
  return [String(r.number), r.name, r.figure, victimCell(r), r.verdict, `${r.seconds.toFixed(1)} s`];
}

/** A plain-text table, one row per attack. */
export function formatTable(results: readonly AttackResult[]): string {
  const rows = [HEADER, ...results.map(rowCells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 5 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join("\n");
}

/** Under the table: per attack, every check (failed ones marked), its notes and the broker's error lines. */
export function formatDetails(results: readonly AttackResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.number} ${r.name}: ${r.verdict}`);
    for (const check of r.checks) out.push(`  ${check.ok ? "ok  " : "FAIL"} ${check.name} (${check.detail})`);
    for (const note of r.notes) out.push(`  - ${note}`);
    if (r.victim && (r.victim.troubles.length > 0 || r.victim.delivered < r.victim.sent)) {
      out.push(
        `  - victim pair: ${r.victim.delivered}/${r.victim.sent} delivered${r.victim.troubles.length ? `; ${r.victim.troubles.slice(0, 3).join(", ")}` : ""}`,
      );
    }
    for (const line of r.brokerErrors.slice(0, 3)) out.push(`  - broker log: ${line.slice(0, 240)}`);
  }
  return out.join("\n");
}

/** A Markdown table of the same rows (for README before/after columns). */
export function formatMarkdown(results: readonly AttackResult[]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const lines = ["| # | attack | figure | victim p99 before→during | verdict |", "| - | - | - | - | - |"];
  for (const r of results) {
    lines.push(`| ${r.number} | ${esc(r.name)} | ${esc(r.figure)} | ${victimCell(r)} | ${r.verdict} |`);
  }
  return lines.join("\n");
}
