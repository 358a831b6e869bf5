import { type BrokerChild, spawnBrokerChild, stopChild, streamLines, waitUntilHealthy } from "@mesh/harness";

/** A real broker child process on a free port, and the last lines it logged (for failure messages). */
export interface BrokerUnderTest {
  port: number;
  /** `ws://127.0.0.1:<port>/ws`: what invites carry and sockets open. */
  wsUrl: string;
  httpUrl: string;
  logTail: () => string;
  stop: () => Promise<number>;
}

const KEPT_LOG_LINES = 50;

/**
 * Starts `bun apps/broker/src/index.ts` on `port` with `databaseUrl`
 * (migrating it) and anonymous hooks allowed, as a broker serving claudemesh
 * clients must run; resolves once `/health` answers.
 */
export async function startBroker(port: number, databaseUrl: string): Promise<BrokerUnderTest> {
  const child: BrokerChild = spawnBrokerChild({
    port,
    databaseUrl,
    logLevel: "warn",
    env: { HOOK_ALLOW_ANONYMOUS: "true" },
  });
  const tail: string[] = [];
  void streamLines(child.stderr, (line) => {
    tail.push(line);
    if (tail.length > KEPT_LOG_LINES) tail.shift();
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  const outcome = await waitUntilHealthy(child, httpUrl, { timeoutMs: 60_000, intervalMs: 100 });
  if (outcome !== "ready") {
    await stopChild(child, "SIGKILL", 5_000);
    throw new Error(`the broker did not become healthy (${outcome}): ${tail.join("\n")}`);
  }
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    httpUrl,
    logTail: () => tail.join("\n"),
    stop: () => stopChild(child, "SIGTERM", 15_000),
  };
}
