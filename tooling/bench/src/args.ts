import { type CommonFlags, type FlagsResult, parseChoiceList, walkHarnessFlags } from "@mesh/harness";

/** A workload or ceiling the harness can run, in the order it runs them. */
export const STEPS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "ceilings", "peers"] as const;
export type Step = (typeof STEPS)[number];

/**
 * What runs without `--only`: every step but `peers`, which measures other
 * brokers (RabbitMQ, NATS) rather than this one and adds a few minutes.
 */
export const DEFAULT_STEPS: readonly Step[] = STEPS.filter((s) => s !== "peers");

/** What the command line asked for. */
export interface BenchArgs {
  quick: boolean;
  only: ReadonlySet<Step>;
  out: string;
  /** Extra environment for the broker under test (`--broker-env KEY=VALUE`), for tuning runs. */
  brokerEnv: Record<string, string>;
  /** Folder for a CPU profile of the broker (`bun --cpu-prof`), written when it stops. */
  brokerCpuProfDir: string | undefined;
  /** Preload pg_stat_statements in the embedded Postgres and print the top statements at the end. */
  statementStats: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [--quick] [--only W1,W3,ceilings] [--out FILE] [--broker-env KEY=VALUE]...

  --quick        small sizes and short runs (what CI runs; well under 2 minutes)
  --only LIST    comma-separated steps: ${STEPS.join(", ")} (default: all but peers)
  --out FILE     JSON results (default bench-results.json in the current folder)
  --broker-env   an extra environment variable for the broker under test (repeatable)
  --broker-cpu-prof DIR   run the broker under bun --cpu-prof, profile written to DIR on exit
  --pg-stat-statements    (embedded Postgres) preload pg_stat_statements, print the top statements
`;

/** Parses argv (without the runtime and script); returns a problem string instead of throwing. */
export function parseArgs(argv: readonly string[]): FlagsResult<BenchArgs> {
  const common: CommonFlags = { quick: false, help: false, out: undefined };
  let statementStats = false;
  let only: Set<Step> = new Set(DEFAULT_STEPS);
  const brokerEnv: Record<string, string> = {};
  let brokerCpuProfDir: string | undefined;
  const problem = walkHarnessFlags(argv, common, (flag, value, arg) => {
    switch (flag) {
      case "--pg-stat-statements":
        statementStats = true;
        return undefined;
      case "--only": {
        const parsed = parseChoiceList(
          value() ?? "",
          (word) => STEPS.find((s) => s.toLowerCase() === word.toLowerCase()),
          {
            unknown: (word) => `--only: unknown step "${word}" (known: ${STEPS.join(", ")})`,
            empty: "--only needs at least one step",
          },
        );
        if (!parsed.ok) return parsed.problem;
        only = parsed.chosen;
        return undefined;
      }
      case "--broker-cpu-prof": {
        const v = value();
        if (!v) return "--broker-cpu-prof needs a folder";
        brokerCpuProfDir = v;
        return undefined;
      }
      case "--broker-env": {
        const v = value() ?? "";
        const at = v.indexOf("=");
        const key = at < 0 ? v : v.slice(0, at);
        if (!/^[A-Z][A-Z0-9_]*$/.test(key) || at < 0) return `--broker-env wants KEY=VALUE, got "${v}"`;
        brokerEnv[key] = v.slice(at + 1);
        return undefined;
      }
      default:
        return `unknown argument "${arg}"`;
    }
  });
  if (problem !== undefined) return { ok: false, problem };
  const { quick, help } = common;
  const out = common.out ?? "bench-results.json";
  return { ok: true, args: { quick, only, out, brokerEnv, brokerCpuProfDir, statementStats, help } };
}
