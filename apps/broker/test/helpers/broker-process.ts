import { join } from "node:path";
import { freePort } from "@mesh/db/testing";
import type { Subprocess } from "bun";

const entry = join(import.meta.dir, "..", "..", "src", "index.ts");

/** A log line's `msg` (exactly, or by pattern), or a predicate over the whole line. */
export type LogMatch = string | RegExp | ((line: Record<string, unknown>) => boolean);

/** A broker running as a real child process on a free port; `await using` kills it if a test leaves it running. */
export interface BrokerProcess extends AsyncDisposable {
  port: number;
  baseUrl: string;
  process: Subprocess<"ignore", "ignore", "pipe">;
  /** Every JSON log line the broker wrote to stderr so far. */
  logs: Record<string, unknown>[];
  /**
   * Resolves with the first log line (already seen or future) whose `msg` matches, or that the
   * predicate accepts. Log lines arrive on a pipe: a line the broker wrote before answering a
   * request may still be in flight when the answer is, so tests wait for lines, never just look.
   */
  waitForLog: (msg: LogMatch, timeoutMs?: number) => Promise<Record<string, unknown>>;
  /** The broker's instance id (its registry row), from its `broker listening` line. */
  instanceId: () => Promise<string>;
  /** Sends `signal` and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number>;
}

const running = new Set<BrokerProcess>();

/** Brokers still running; an `afterEach` asserts none leaked. */
export function runningBrokers(): number {
  return running.size;
}

/** Kills whatever a failed test left running. */
export async function killLeftoverBrokers(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop("SIGKILL")));
}

/** Spawns `bun apps/broker/src/index.ts` with `env` (plus a free port) without waiting for it. */
export async function spawnBroker(env: Record<string, string>): Promise<BrokerProcess> {
  const port = env.BROKER_PORT ? Number(env.BROKER_PORT) : await freePort();
  const child = Bun.spawn([process.execPath, entry], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      BROKER_PORT: String(port),
      ...env,
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of child.stderr) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          parsed = { msg: line, unparsed: true };
        }
        logs.push(parsed);
        for (const w of [...waiters]) {
          if (w.match(parsed)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(parsed);
          }
        }
      }
    }
  })();

  const matches = (msg: LogMatch) => (l: Record<string, unknown>) =>
    typeof msg === "function"
      ? msg(l)
      : typeof l.msg === "string" && (typeof msg === "string" ? l.msg === msg : msg.test(l.msg));

  const broker: BrokerProcess = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    logs,
    waitForLog: (msg, timeoutMs = 30_000) => {
      const seen = logs.find(matches(msg));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log ${String(msg)} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match: matches(msg),
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void child.exited.then(() => {
          const late = logs.find(matches(msg));
          clearTimeout(timer);
          if (late) resolve(late);
          else reject(new Error(`broker exited (${child.exitCode}) before logging ${String(msg)}`));
        });
      });
    },
    instanceId: async () => String((await broker.waitForLog("broker listening")).instance_id),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await child.exited;
      running.delete(broker);
      return code;
    },
    [Symbol.asyncDispose]: async () => {
      await broker.stop("SIGKILL");
    },
  };
  running.add(broker);
  void child.exited.then(() => running.delete(broker));
  return broker;
}

/** Spawns a broker and waits until it logs `broker listening`. */
export async function startBrokerProcess(env: Record<string, string>): Promise<BrokerProcess> {
  const broker = await spawnBroker(env);
  await broker.waitForLog("broker listening");
  return broker;
}

/**
 * Polls `check` every 100 ms until it returns true or `timeoutMs` passes. Give
 * it a generous deadline (10 s and more): it returns as soon as `check` holds,
 * and a busy machine can be slow by seconds.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await Bun.sleep(100);
  }
  return false;
}
