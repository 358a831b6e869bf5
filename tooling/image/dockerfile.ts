/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** The stage it belongs to: the `AS` name of the last `FROM`, or its image. */
  stage: string;
  keyword: string;
  /** Everything after the keyword, flags included. */
  args: string;
}

/** A `FROM` line: the base image (build arguments filled in) and the stage's name. */
export interface Stage {
  name: string;
  image: string;
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  stages: Stage[];
  instructions: Instruction[];
  /** The defaults of the `ARG`s declared before the first `FROM`, the only ones a `FROM` line may use. */
  globalArgs: Record<string, string>;
}

/**
 * Reads a Dockerfile into instructions, enough for tests to hold it against
 * `runtime-files.ts`; not a general parser (no heredocs, no escape directive).
 */
export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = "";
    if (joined) logical.push(joined);
  }
  const stages: Stage[] = [];
  const instructions: Instruction[] = [];
  const globalArgs: Record<string, string> = {};
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "ARG" && stages.length === 0) {
      const [, name = "", value] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?$/.exec(args) ?? [];
      if (!name) throw new Error(`ARG not supported by tooling/image: ${args}`);
      if (value !== undefined) globalArgs[name] = value;
    }
    if (upper === "FROM") {
      const [written = "", as, name] = args.split(/\s+/);
      const image = expandArgs(written, globalArgs);
      stages.push({ image, name: as?.toUpperCase() === "AS" && name ? name : image });
    }
    instructions.push({ stage: stages.at(-1)?.name ?? "", keyword: upper, args });
  }
  return { stages, instructions, globalArgs };
}

/**
 * Fills `$NAME` and `${NAME}` from `args`, as Docker does in a `FROM` line.
 * An argument without a default is refused: the image would depend on a
 * `--build-arg` the tests cannot see.
 */
export function expandArgs(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, bare) => {
    const name = String(braced ?? bare);
    const value = args[name];
    if (value === undefined) throw new Error(`${text}: build argument ${name} has no default before the first FROM`);
    return value;
  });
}

/** Splits leading `--name=value` flags from the rest of an instruction's arguments. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)=(\S*)\s*/.exec(rest); m; m = /^--([\w-]+)=(\S*)\s*/.exec(rest)) {
    flags[m[1] ?? ""] = m[2] ?? "";
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** The argument list of an exec-form (JSON array) instruction, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) {
    throw new Error(`not an exec-form argument list: ${args}`);
  }
  return parsed;
}
