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
export function parseArgs(argv: readonly string[]): { ok: true; args: FuzzArgs } | { ok: false; problem: string } {
  const args: FuzzArgs = { quick: false, seed: undefined, out: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--quick":
        args.quick = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--seed": {
        const v = value() ?? "";
        if (!/^\d{1,10}$/.test(v) || Number(v) > 2 ** 32 - 1) {
          return { ok: false, problem: `--seed wants an integer 0..${2 ** 32 - 1}, got "${v}"` };
        }
        args.seed = Number(v);
        break;
      }
      case "--out": {
        const v = value();
        if (!v) return { ok: false, problem: "--out needs a file name" };
        args.out = v;
        break;
      }
      default:
        return { ok: false, problem: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, args };
}
