/** Scenario numbers, in the order the issue lists them. */
export const SCENARIO_NUMBERS = [1, 2, 3, 4, 5, 6, 7] as const;
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
  --only LIST          comma-separated scenario numbers 1-7 (default: all)
  --out FILE           write the results as JSON
  --broker-log-level   LOG_LEVEL of the brokers under test (default warn)
  --broker-logs DIR    keep each broker's log lines in DIR/<scenario>-<broker>.log
`;

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Parses argv (without the runtime and script); returns a problem string instead of throwing. */
export function parseArgs(argv: readonly string[]): { ok: true; args: ChaosArgs } | { ok: false; problem: string } {
  const args: ChaosArgs = {
    quick: false,
    only: new Set(SCENARIO_NUMBERS),
    out: undefined,
    brokerLogLevel: "warn",
    brokerLogs: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const at = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = at < 0 ? arg : arg.slice(0, at);
    const value = (): string => (at < 0 ? (argv[++i] ?? "") : arg.slice(at + 1));
    switch (flag) {
      case "--quick":
        args.quick = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--out": {
        const v = value();
        if (!v) return { ok: false, problem: "--out needs a file name" };
        args.out = v;
        break;
      }
      case "--broker-logs": {
        const v = value();
        if (!v) return { ok: false, problem: "--broker-logs needs a folder" };
        args.brokerLogs = v;
        break;
      }
      case "--broker-log-level": {
        const v = value();
        if (!LOG_LEVELS.has(v)) return { ok: false, problem: `--broker-log-level: unknown level "${v}"` };
        args.brokerLogLevel = v;
        break;
      }
      case "--only": {
        const parsed = parseOnly(value());
        if (!parsed.ok) return parsed;
        args.only = parsed.only;
        break;
      }
      default:
        return { ok: false, problem: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, args };
}

function parseOnly(list: string): { ok: true; only: Set<ScenarioNumber> } | { ok: false; problem: string } {
  const only = new Set<ScenarioNumber>();
  for (const raw of list.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const n = SCENARIO_NUMBERS.find((s) => String(s) === name);
    if (n === undefined) return { ok: false, problem: `--only: unknown scenario "${name}" (known: 1-7)` };
    only.add(n);
  }
  if (only.size === 0) return { ok: false, problem: "--only needs at least one scenario number" };
  return { ok: true, only };
}
