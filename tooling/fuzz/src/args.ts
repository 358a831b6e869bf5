import { type FlagsResult, walkHarnessFlags } from "@mesh/harness";

/** What the command line asked for. */
export interface FuzzArgs {
  quick: boolean;
  seed: number | undefined;
  out: string | undefined;
  help: boolean;
}

export const USAGE = `usage: pnpm fuzz [--quick] [--seed N] [--out FILE]

  --quick      a few hundred inputs, well under a minute (what CI runs)
  --seed N     replay a run: the same seed generates the same inputs (printed at start)
  --out FILE   also write the results as JSON
`;

/** Parses argv (without the runtime and script); returns a problem string instead of throwing. */
export function parseArgs(argv: readonly string[]): FlagsResult<FuzzArgs> {
  const args: FuzzArgs = { quick: false, seed: undefined, out: undefined, help: false };
  const problem = walkHarnessFlags(argv, args, (flag, value, arg) => {
    switch (flag) {
      case "--seed": {
        const v = value() ?? "";
        if (!/^\d{1,10}$/.test(v) || Number(v) > 2 ** 32 - 1)
          return `--seed wants an integer 0..${2 ** 32 - 1}, got "${v}"`;
        args.seed = Number(v);
        return undefined;
      }
      default:
        return `unknown argument "${arg}"`;
    }
  });
  return problem === undefined ? { ok: true, args } : { ok: false, problem };
}
