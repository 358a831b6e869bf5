import { join } from "node:path";
import { harnessEnv } from "@mesh/harness";
import type { Subprocess } from "bun";

/** The `mesh` CLI's entry point, run from source as a real process. */
const CLI_ENTRY = join(import.meta.dir, "..", "..", "..", "..", "packages", "cli", "src", "cli", "main.ts");

/** What a finished `mesh` command wrote, byte for byte. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cliEnv(meshHome: string): Record<string, string> {
  return { PATH: harnessEnv.path, HOME: harnessEnv.home, MESH_HOME: meshHome };
}

/** Runs `mesh <args>` with `MESH_HOME=meshHome` to its exit (killed after `timeoutMs`). */
export async function runMesh(meshHome: string, args: string[], timeoutMs = 30_000): Promise<CliRun> {
  const child = Bun.spawn([process.execPath, CLI_ENTRY, ...args], {
    env: cliEnv(meshHome),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** A long-running `mesh` command (`listen`) whose stdout is collected as it comes. */
export interface CliProcess {
  /** Everything written to stdout so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves true once stdout contains `text`, false after `timeoutMs`. */
  waitFor: (text: string, timeoutMs: number) => Promise<boolean>;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number>;
}

/** Starts `mesh <args>`. */
export function startMesh(meshHome: string, args: string[]): CliProcess {
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([process.execPath, CLI_ENTRY, ...args], {
    env: cliEnv(meshHome),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  let err = "";
  const collect = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  };
  void collect(child.stdout, (t) => {
    out += t;
  });
  void collect(child.stderr, (t) => {
    err += t;
  });
  return {
    stdout: () => out,
    stderr: () => err,
    waitFor: async (text, timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (out.includes(text)) return true;
        if (child.exitCode !== null) return out.includes(text);
        await Bun.sleep(50);
      }
      return out.includes(text);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      try {
        return await child.exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
