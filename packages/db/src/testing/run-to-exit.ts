/** What a child process printed and how it ended. */
export interface FinishedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` as a real child process to its exit, with exactly `env` (no
 * inherited variables unless the caller passes them) and `stdin` when given,
 * and collects both outputs.
 */
export async function runToExit(
  argv: string[],
  options: { env: Record<string, string | undefined>; cwd?: string | undefined; stdin?: string | undefined },
): Promise<FinishedRun> {
  const child = Bun.spawn(argv, {
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}
