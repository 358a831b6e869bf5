/** A parser's verdict: the arguments, or a problem to print above the usage text. */
export type FlagsResult<T> = { ok: true; args: T } | { ok: false; problem: string };

/**
 * Walks `argv` (without the runtime and script), calling `onFlag` with each
 * argument's flag name (`--out` for `--out=x`) and a reader for its value:
 * the part after `=` when given inline, else the next argument (consumed).
 * `onFlag` returns a problem to stop there, or undefined to go on; the first
 * problem is returned.
 */
export function walkFlags(
  argv: readonly string[],
  onFlag: (flag: string, value: () => string | undefined, arg: string) => string | undefined,
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const value = (): string | undefined => (eq < 0 ? argv[++i] : arg.slice(eq + 1));
    const problem = onFlag(flag, value, arg);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * A comma-separated list of choices (`--only 1, 3`): blanks are skipped,
 * `find` names the choice a word stands for; an unknown word or an empty
 * list is a problem worded by `problems`.
 */
export function parseChoiceList<T>(
  list: string,
  find: (word: string) => T | undefined,
  problems: { unknown: (word: string) => string; empty: string },
): { ok: true; chosen: Set<T> } | { ok: false; problem: string } {
  const chosen = new Set<T>();
  for (const raw of list.split(",")) {
    const word = raw.trim();
    if (word === "") continue;
    const choice = find(word);
    if (choice === undefined) return { ok: false, problem: problems.unknown(word) };
    chosen.add(choice);
  }
  if (chosen.size === 0) return { ok: false, problem: problems.empty };
  return { ok: true, chosen };
}

/** The flags every harness takes. */
export interface CommonFlags {
  /** `--quick`: the short run CI does. */
  quick: boolean;
  /** `--help` / `-h`. */
  help: boolean;
  /** `--out FILE`: where the JSON results go. */
  out: string | undefined;
}

/**
 * {@link walkFlags} with `--quick`, `--help`/`-h` and `--out FILE` handled
 * into `common`; every other argument goes to `onFlag`.
 */
export function walkHarnessFlags(
  argv: readonly string[],
  common: CommonFlags,
  onFlag: (flag: string, value: () => string | undefined, arg: string) => string | undefined,
): string | undefined {
  return walkFlags(argv, (flag, value, arg) => {
    switch (flag) {
      case "--quick":
        common.quick = true;
        return undefined;
      case "--help":
      case "-h":
        common.help = true;
        return undefined;
      case "--out": {
        const v = value();
        if (!v) return "--out needs a file name";
        common.out = v;
        return undefined;
      }
      default:
        return onFlag(flag, value, arg);
    }
  });
}
