import { type FlagsResult, parseChoiceList, walkHarnessFlags } from "@mesh/harness";

/** Scenario numbers, in the order the issue lists them. */
export const SCENARIO_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export type ScenarioNumber = (typeof SCENARIO_NUMBERS)[number];

/** What the command line asked for. */
export interface ChaosArgs {
  quick: boolean;
  only: ReadonlySet<ScenarioNumber>;
  /** JSON results go here when set. */
  out: string | undefined;
  /** The brokers' LOG_LEVEL (default warn); `info` when investigating. */
  brokerLogLevel: string;
  /** When set, every broker's stderr is written to a file in this folder. */
  brokerLogs: string | undefined;
  help: boolean;
}

export const USAGE = `usage: pnpm chaos [--quick] [--only 1,3] [--out FILE] [--broker-log-level LEVEL] [--broker-logs DIR]

  --quick              short streams; the whole run stays well under 2 minutes (what CI runs)
  --only LIST          comma-separated scenario numbers 1-9 (default: all)
  --out FILE           write the results as JSON
  --broker-log-level   LOG_LEVEL of the brokers under test (default warn)
  --broker-logs DIR    keep each broker's log lines in DIR/<scenario>-<broker>.log
`;

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Parses argv (without the runtime and script); returns a problem string instead of throwing. */
export function parseArgs(argv: readonly string[]): FlagsResult<ChaosArgs> {
  const args: ChaosArgs = {
    quick: false,
    only: new Set(SCENARIO_NUMBERS),
    out: undefined,
    brokerLogLevel: "warn",
    brokerLogs: undefined,
    help: false,
  };
  const problem = walkHarnessFlags(argv, args, (flag, value, arg) => {
    switch (flag) {
      case "--broker-logs": {
        const v = value();
        if (!v) return "--broker-logs needs a folder";
        args.brokerLogs = v;
        return undefined;
      }
      case "--broker-log-level": {
        const v = value() ?? "";
        if (!LOG_LEVELS.has(v)) return `--broker-log-level: unknown level "${v}"`;
        args.brokerLogLevel = v;
        return undefined;
      }
      case "--only": {
        const parsed = parseChoiceList(value() ?? "", (word) => SCENARIO_NUMBERS.find((s) => String(s) === word), {
          unknown: (word) => `--only: unknown scenario "${word}" (known: 1-9)`,
          empty: "--only needs at least one scenario number",
        });
        if (!parsed.ok) return parsed.problem;
        args.only = parsed.chosen;
        return undefined;
      }
      default:
        return `unknown argument "${arg}"`;
    }
  });
  return problem === undefined ? { ok: true, args } : { ok: false, problem };
}
