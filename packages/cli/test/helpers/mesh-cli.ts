import { join } from "node:path";
import { runToExit } from "@mesh/db/testing";
import type { Subprocess } from "bun";

const cliEntry = join(import.meta.dir, "..", "..", "src", "cli", "main.ts");

/** The `mesh` entry point, for tests that build their own command line. */
export const meshEntry = cliEntry;

/** What a finished `mesh` command printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** stdout parsed as JSON lines (for `--json`). */
  json: () => Record<string, unknown>[];
}

/** Environment for a CLI process: only what it needs, plus `env`. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env };
}

const parseLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * Runs `mesh <args>` to completion as a real process: `bun packages/cli/src/cli/main.ts`,
 * or `command` (e.g. Node running the bundled CLI).
 */
export async function runMesh(
  args: string[],
  options: { env: Record<string, string>; stdin?: string; cwd?: string; command?: string[] },
): Promise<CliRun> {
  const started = performance.now();
  const { code, stdout, stderr } = await runToExit([...(options.command ?? [process.execPath, cliEntry]), ...args], {
    env: cliEnv(options.env),
    cwd: options.cwd,
    stdin: options.stdin,
  });
  return { code, stdout, stderr, ms: performance.now() - started, json: () => parseLines(stdout) };
}

/** A long-running `mesh` process (e.g. `listen`) whose stdout lines are collected. */
export interface CliProcess {
  process: Subprocess<"ignore", "pipe", "pipe">;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first stdout line (seen or future) matching `predicate`. */
  waitForLine: (predicate: (line: string) => boolean, timeoutMs?: number) => Promise<string>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number>;
}

const running = new Set<CliProcess>();

/** Kills whatever a failed test left running; resolves with how many there were. */
export async function stopLeftoverCliProcesses(): Promise<number> {
  const left = [...running];
  await Promise.all(left.map((p) => p.stop()));
  return left.length;
}

/** Starts `mesh <args>` and collects its output lines. */
export function startMesh(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; command?: string[] },
): CliProcess {
  const child = Bun.spawn([...(options.command ?? [process.execPath, cliEntry]), ...args], {
    env: cliEnv(options.env),
    cwd: options.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let stderrText = "";
  const waiters = new Set<() => void>();
  const collect = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  };
  let partial = "";
  void collect(child.stdout, (text) => {
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter((l) => l.length > 0));
    for (const wake of [...waiters]) wake();
  });
  void collect(child.stderr, (text) => {
    stderrText += text;
  });
  const cli: CliProcess = {
    process: child,
    lines,
    stderr: () => stderrText,
    waitForLine: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(predicate);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no matching line within ${timeoutMs} ms; lines: ${lines.join(" | ")}; stderr: ${stderrText}`),
          );
        }, timeoutMs);
        const wake = () => void check();
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await child.exited;
      running.delete(cli);
      return code;
    },
  };
  running.add(cli);
  void child.exited.then(() => running.delete(cli));
  return cli;
}
