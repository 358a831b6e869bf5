import type { AttackNumber } from "./args.ts";
import type { AttackSizes } from "./sizes.ts";
import type { AttackDatabase, StartBroker, Target } from "./target/attack-target.ts";
import type { Resources } from "./target/resources.ts";
import type { VictimSummary } from "./victims.ts";

/** What a row of the table says about one attack. */
export type Verdict = "defended" | "NOT DEFENDED" | "error";

/** One outcome an attack checks; the attack is defended when every check holds. */
export interface Check {
  name: string;
  ok: boolean;
  /** The measured value behind the check, for people. */
  detail: string;
}

/** What an attack reports back. */
export interface AttackOutcome {
  /** The short figure for the table (what was measured, not the verdict). */
  figure: string;
  checks: Check[];
  /** Facts worth a line under the table. */
  notes: string[];
  /** The victim pair's send→push latencies, where the attack measured them. */
  victim?: VictimSummary | undefined;
}

/** One row of the table, as printed and as written by `--out`. */
export interface AttackResult extends AttackOutcome {
  number: AttackNumber;
  key: string;
  name: string;
  verdict: Verdict;
  seconds: number;
  /** Error-level lines the broker children logged during the attack (first few). */
  brokerErrors: string[];
}

/** What every attack gets from the run. */
export interface AttackContext {
  quick: boolean;
  sizes: AttackSizes;
  /** A broker child on a fresh database of its own, with `env` over the defaults. */
  openTarget: (env: Record<string, string>) => Promise<Target>;
  /** A fresh database, for attacks that place something between it and the broker. */
  openDatabase: () => Promise<AttackDatabase>;
  /** A broker child on `database` (reached at `databaseUrl` when given). */
  startBroker: StartBroker;
  /** Whatever the attack opens besides brokers and databases (sockets, CLI processes, folders), released at its end. */
  resources: Resources;
  progress: (line: string) => void;
}

/** One attack of issue 15's list. */
export interface Attack {
  number: AttackNumber;
  /** A word for `--only` besides the number. */
  key: string;
  name: string;
  run: (ctx: AttackContext) => Promise<AttackOutcome>;
}

/** Defended when every check holds (and there is at least one). */
export function verdictOf(checks: readonly Check[]): Verdict {
  return checks.length > 0 && checks.every((c) => c.ok) ? "defended" : "NOT DEFENDED";
}
