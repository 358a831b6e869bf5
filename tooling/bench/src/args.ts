/** A workload or ceiling the harness can run, in the order it runs them. */
export const STEPS = ["W1", "W2", "W3", "W4", "W5", "W6", "ceilings"] as const;
export type Step = (typeof STEPS)[number];

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
  --only LIST    comma-separated steps: ${STEPS.join(", ")} (default: all)
  --out FILE     JSON results (default bench-results.json in the current folder)
  --broker-env   an extra environment variable for the broker under test (repeatable)
  --broker-cpu-prof DIR   run the broker under bun --cpu-prof, profile written to DIR on exit
  --pg-stat-statements    (embedded Postgres) preload pg_stat_statements, print the top statements
`;

/** Parses argv (without the runtime and script); returns a problem string instead of throwing. */
export function parseArgs(argv: readonly string[]): { ok: true; args: BenchArgs } | { ok: false; problem: string } {
  let quick = false;
  let statementStats = false;
  let help = false;
  let out = "bench-results.json";
  let only: Set<Step> = new Set(STEPS);
  const brokerEnv: Record<string, string> = {};
  let brokerCpuProfDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg, "=") : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--pg-stat-statements":
        statementStats = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--out": {
        const v = value();
        if (!v) return { ok: false, problem: "--out needs a file name" };
        out = v;
        break;
      }
      case "--only": {
        const parsed = parseSteps(value() ?? "");
        if (!parsed.ok) return parsed;
        only = parsed.steps;
        break;
      }
      case "--broker-cpu-prof": {
        const v = value();
        if (!v) return { ok: false, problem: "--broker-cpu-prof needs a folder" };
        brokerCpuProfDir = v;
        break;
      }
      case "--broker-env": {
        const v = value() ?? "";
        const [key, val] = splitOnce(v, "=");
        if (!/^[A-Z][A-Z0-9_]*$/.test(key) || val === undefined) {
          return { ok: false, problem: `--broker-env wants KEY=VALUE, got "${v}"` };
        }
        brokerEnv[key] = val;
        break;
      }
      default:
        return { ok: false, problem: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, args: { quick, only, out, brokerEnv, brokerCpuProfDir, statementStats, help } };
}

function parseSteps(list: string): { ok: true; steps: Set<Step> } | { ok: false; problem: string } {
  const steps = new Set<Step>();
  for (const raw of list.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const step = STEPS.find((s) => s.toLowerCase() === name.toLowerCase());
    if (!step) return { ok: false, problem: `--only: unknown step "${name}" (known: ${STEPS.join(", ")})` };
    steps.add(step);
  }
  if (steps.size === 0) return { ok: false, problem: "--only needs at least one step" };
  return { ok: true, steps };
}

function splitOnce(s: string, separator: string): [string, string | undefined] {
  const at = s.indexOf(separator);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + separator.length)];
}
