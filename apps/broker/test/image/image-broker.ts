import { freePort } from "@mesh/db/testing";
import { eventually } from "../helpers/broker-process.ts";

/** A broker started from an assembled runtime folder the way the image starts it. */
export interface ImageBroker extends AsyncDisposable {
  port: number;
  /** Everything it wrote to stderr so far. */
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code once stderr is fully read. */
  stop: (signal?: NodeJS.Signals) => Promise<number>;
}

const running = new Set<ImageBroker>();

/** Kills whatever a failed test left running; resolves with how many there were. */
export async function killLeftoverImageBrokers(): Promise<number> {
  const left = [...running];
  await Promise.all(left.map((b) => b.stop("SIGKILL")));
  return left.length;
}

/**
 * Runs `command` (the image's `CMD` with the test's own Bun) in `app` with
 * only the environment the image sets plus `env`, and resolves once `/health`
 * answers 200; rejects with its stderr if it exits first.
 */
export async function startImageBroker(
  app: string,
  command: readonly string[],
  env: Record<string, string>,
): Promise<ImageBroker> {
  const port = await freePort();
  const child = Bun.spawn([process.execPath, ...command], {
    cwd: app,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", BROKER_PORT: String(port), ...env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let stderr = "";
  const stderrRead = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const broker: ImageBroker = {
    port,
    stderr: () => stderr,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await child.exited;
      await stderrRead;
      running.delete(broker);
      return code;
    },
    [Symbol.asyncDispose]: async () => {
      await broker.stop("SIGKILL");
    },
  };
  running.add(broker);

  const healthy = eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 30_000);
  const outcome = await Promise.race([healthy, child.exited.then(() => "exited" as const)]);
  if (outcome !== true) {
    const code = await broker.stop("SIGKILL");
    throw new Error(
      outcome === "exited"
        ? `broker exited (${code}) before /health answered:\n${stderr}`
        : `no /health 200 within 30 s:\n${stderr}`,
    );
  }
  return broker;
}
