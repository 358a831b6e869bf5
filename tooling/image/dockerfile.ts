/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** The stage it belongs to: the `AS` name of the last `FROM`, or its image. */
  stage: string;
  keyword: string;
  /** Everything after the keyword, flags included. */
  args: string;
}

/** A `FROM` line: the base image and the stage's name. */
export interface Stage {
  name: string;
  image: string;
}

/**
 * Reads a Dockerfile into instructions, enough for tests to hold it against
 * `runtime-files.ts`; not a general parser (no heredocs, no escape directive).
 */
export function parseDockerfile(text: string): { stages: Stage[]; instructions: Instruction[] } {
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
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [image = "", as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === "AS" && name ? name : image });
    }
    instructions.push({ stage: stages.at(-1)?.name ?? "", keyword: upper, args });
  }
  return { stages, instructions };
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
