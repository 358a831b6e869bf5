import { type FlagsResult, parseChoiceList, walkHarnessFlags } from "@mesh/harness";

/** Attack numbers, in the order issue 15 lists them. */
export const ATTACK_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const;
export type AttackNumber = (typeof ATTACK_NUMBERS)[number];

/** What the command line asked for. */
export interface AttackArgs {
  quick: boolean;
  /** Numbers or keys as given; resolved against the attack list by `main`. */
  only: ReadonlySet<string> | undefined;
  out: string | undefined;
  /** Also print the table as Markdown (the README's before/after columns). */
  markdown: boolean;
  /** The brokers' LOG_LEVEL (default warn). */
  brokerLogLevel: string;
  help: boolean;
}

export const USAGE = `usage: pnpm attack [--quick] [--only LIST] [--out FILE] [--markdown] [--broker-log-level LEVEL]

Runs each attack of issue 15 against a real broker child process on a real
Postgres and prints a figure and a verdict (defended / NOT DEFENDED) for each.
Exit code 1 when any attack is not defended.

  --quick              small sizes, well under 2 minutes in all (what CI runs)
  --only LIST          comma-separated attack numbers 1-14 or keys (default: all)
  --out FILE           also write the results as JSON
  --markdown           also print the table as Markdown
  --broker-log-level   LOG_LEVEL of the brokers under attack (default warn)
  --help, -h           this text

Without DATABASE_URL the run starts an embedded Postgres; with it, each attack
makes a database of its own on that server and drops it afterwards.
`;

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Parses argv (without the runtime and script); `known` says which words `--only` accepts. */
export function parseArgs(argv: readonly string[], known: (word: string) => boolean): FlagsResult<AttackArgs> {
  const args: AttackArgs = {
    quick: false,
    only: undefined,
    out: undefined,
    markdown: false,
    brokerLogLevel: "warn",
    help: false,
  };
  const problem = walkHarnessFlags(argv, args, (flag, value, arg) => {
    switch (flag) {
      case "--only": {
        const parsed = parseChoiceList(value() ?? "", (word) => (known(word) ? word : undefined), {
          unknown: (word) => `--only: unknown attack "${word}" (known: 1-14 or their keys)`,
          empty: "--only needs at least one attack",
        });
        if (!parsed.ok) return parsed.problem;
        args.only = parsed.chosen;
        return undefined;
      }
      case "--markdown":
        args.markdown = true;
        return undefined;
      case "--broker-log-level": {
        const v = value() ?? "";
        if (!LOG_LEVELS.has(v)) return `--broker-log-level: unknown level "${v}"`;
        args.brokerLogLevel = v;
        return undefined;
      }
      default:
        return `unknown argument "${arg}"`;
    }
  });
  return problem === undefined ? { ok: true, args } : { ok: false, problem };
}
