import { eventually } from "./broker-process.ts";

/** How long a tool may take to be ready, on a busy machine. */
const READY_WITHIN_MS = 15_000;

/** A real program a test runs beside the broker (PgBouncer, Caddy), in a folder of its own. */
export interface ToolProcess {
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Stops it (SIGTERM) and removes its folder. */
  stop: () => Promise<void>;
}

/**
 * Starts `argv` with its output collected, and resolves once `ready` holds
 * (polled, given the output so far) within 15 s. If it exits first or the
 * time runs out, it is stopped and this throws with what it wrote. `dir`
 * (its config and state) is removed when it stops.
 */
export async function startTool(
  name: string,
  argv: string[],
  options: {
    dir: { remove: () => void };
    env?: Record<string, string>;
    ready: (output: string) => boolean | Promise<boolean>;
  },
): Promise<ToolProcess> {
  const child = Bun.spawn(argv, {
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  let output = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  void collect(child.stdout);
  void collect(child.stderr);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await child.exited;
    options.dir.remove();
  };
  const ready = await eventually(async () => exited || (await options.ready(output)), READY_WITHIN_MS);
  if (!ready || exited) {
    const why = exited
      ? `exited (${child.exitCode ?? child.signalCode}) before it was ready`
      : `was not ready within ${READY_WITHIN_MS / 1000} s`;
    await stop();
    throw new Error(`${name} ${why}:\n${output}`);
  }
  return { output: () => output, stop };
}
