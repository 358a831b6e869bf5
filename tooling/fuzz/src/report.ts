import type { ClassTally } from "./tally.ts";
import { quantile, type VictimResult } from "./victims.ts";

/** Everything a run found, as printed and as written by `--out`. */
export interface FuzzReport {
  seed: number;
  mode: "quick" | "full";
  rounds: number;
  wallSeconds: number;
  classes: Record<string, ClassTally>;
  tried: number;
  unexpected: number;
  /** 1 when the broker process died during the run. */
  crashes: number;
  healthAfter: number;
  /** Lines the broker logged at error or fatal level. */
  brokerErrorLogs: string[];
  victims: VictimResult;
  rssMb: { before: number; duringPeak: number; afterRound1: number; afterRound2: number; settled: boolean };
  /** What happened to a socket that never said hello. */
  silentSocket: string;
  pass: boolean;
}

const mb = (n: number) => `${n.toFixed(1)} MB`;
const ms = (n: number | undefined) => (n === undefined ? "n/a" : `${n.toFixed(1)} ms`);

function latencyLine(values: readonly number[] = []): string {
  return `p50 ${ms(quantile(values, 0.5))}  p99 ${ms(quantile(values, 0.99))}  (n=${values.length})`;
}

function topReplies(replies: Record<string, number>, limit = 3): string {
  const sorted = Object.entries(replies).sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, limit).map(([reply, n]) => `${reply} ×${n}`);
  return sorted.length > limit ? `${shown.join("; ")}; +${sorted.length - limit} more` : shown.join("; ");
}

/** The human table. */
export function renderReport(r: FuzzReport): string {
  const lines: string[] = [];
  const width = Math.max(30, ...Object.keys(r.classes).map((c) => c.length));
  lines.push(
    `pnpm fuzz${r.mode === "quick" ? " --quick" : ""} --seed ${r.seed}: ${r.rounds} identical rounds, ${r.wallSeconds.toFixed(1)} s`,
  );
  lines.push("");
  lines.push(
    `${"input class".padEnd(width)}  ${"tried".padStart(6)}  ${"unexpected".padStart(10)}  most common replies`,
  );
  for (const [cls, t] of Object.entries(r.classes).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `${cls.padEnd(width)}  ${String(t.tried).padStart(6)}  ${String(t.unexpected).padStart(10)}  ${topReplies(t.replies)}`,
    );
  }
  lines.push(`${"TOTAL".padEnd(width)}  ${String(r.tried).padStart(6)}  ${String(r.unexpected).padStart(10)}`);
  lines.push("");
  const row = (k: string, v: string) => lines.push(`${k.padEnd(width)}  ${v}`);
  row("crashes (broker died)", String(r.crashes));
  row("/health after the attack", String(r.healthAfter));
  row("broker error log lines", String(r.brokerErrorLogs.length));
  row("victim latency before", latencyLine(r.victims.latencyMs.before));
  row("victim latency during", latencyLine(r.victims.latencyMs.during));
  row(
    "victim envelopes delivered",
    `${r.victims.delivered}/${r.victims.sent}${r.victims.troubles.length ? `; troubles: ${r.victims.troubles.slice(0, 3).join(", ")}` : ""}`,
  );
  row("broker RSS before / peak", `${mb(r.rssMb.before)} / ${mb(r.rssMb.duringPeak)}`);
  row(
    "broker RSS after round 1 / 2",
    `${mb(r.rssMb.afterRound1)} / ${mb(r.rssMb.afterRound2)} (${r.rssMb.settled ? "settled" : "GREW"})`,
  );
  row("socket that never says hello", r.silentSocket);
  row("verdict", r.pass ? "PASS" : "FAIL");

  const withExamples = Object.entries(r.classes).filter(([, t]) => t.examples.length > 0);
  if (withExamples.length > 0 || r.brokerErrorLogs.length > 0) {
    lines.push("", "unexpected replies (examples):");
    for (const [cls, t] of withExamples) {
      for (const e of t.examples) lines.push(`  [${cls}] ${e.why}: got ${e.reply}\n      input: ${e.input}`);
    }
    for (const log of r.brokerErrorLogs.slice(0, 5)) lines.push(`  [broker log] ${log}`);
  }
  return lines.join("\n");
}
