import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@mesh/db/testing";

/** A nats-server of the bench's own, on a free port with a throwaway store. */
export interface NatsServerChild {
  port: number;
  pid: number;
  /** SIGTERM, wait for the exit, remove the store. */
  stop(): Promise<void>;
}

/** The `major.minor.patch` in `nats-server --version`'s answer ("nats-server: v2.9.10"). */
export function parseNatsVersion(text: string): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether JetStream takes `sync_interval: always` (an fsync per write), which came with NATS 2.10. */
export function supportsSyncAlways(version: readonly [number, number, number]): boolean {
  const [major, minor] = version;
  return major > 2 || (major === 2 && minor >= 10);
}

/** `nats-server --version`, or undefined when there is no nats-server on PATH. */
export function natsServerVersion(): string | undefined {
  const path = Bun.which("nats-server");
  if (!path) return undefined;
  const run = Bun.spawnSync([path, "--version"], { stdout: "pipe", stderr: "pipe" });
  return `${run.stdout.toString()}${run.stderr.toString()}`.trim();
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/**
 * Starts `nats-server -js` on 127.0.0.1 with a store in a new temporary
 * folder; with `syncAlways`, JetStream fsyncs every write before it acks.
 * Resolves once the port accepts connections.
 */
export async function startNatsServer(options: { syncAlways: boolean }): Promise<NatsServerChild> {
  const binary = Bun.which("nats-server");
  if (!binary) throw new Error("nats-server is not on PATH");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mesh-bench-nats-"));
  const store = join(dir, "store");
  const args = ["-a", "127.0.0.1", "-p", String(port)];
  if (options.syncAlways) {
    const config = join(dir, "nats.conf");
    writeFileSync(config, `jetstream {\n  store_dir: ${JSON.stringify(store)}\n  sync_interval: always\n}\n`);
    args.push("-c", config);
  } else {
    args.push("-js", "-sd", store);
  }
  const child = Bun.spawn([binary, ...args], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const stderr = new Response(child.stderr).text();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nats-server exited at start: ${(await stderr).trim().split("\n").slice(-3).join(" | ")}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("nats-server did not accept connections within 15 s");
    }
    await Bun.sleep(50);
  }
  return { port, pid: child.pid, stop };
}
