import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir } from "@mesh/db/testing";
import { eventually } from "../helpers/broker-process.ts";

/** A real Caddy running a config of the kit with its addresses moved onto this machine. */
export interface CaddyProcess extends AsyncDisposable {
  port: number;
  baseUrl: string;
  /** Everything Caddy logged so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Runs Caddy on `json` (the kit's Caddyfile as `caddy adapt` printed it)
 * with each address of `addresses` replaced (`"broker-1:7900"` by a test
 * broker's), listening on a free port of 127.0.0.1 instead of `:80`, and its
 * admin endpoint off; resolves once it answers.
 */
export async function startCaddy(
  command: string,
  json: string,
  addresses: Readonly<Record<string, string>>,
): Promise<CaddyProcess> {
  const port = await freePort();
  let config = json.replaceAll('":80"', JSON.stringify(`127.0.0.1:${port}`));
  for (const [from, to] of Object.entries(addresses))
    config = config.replaceAll(JSON.stringify(from), JSON.stringify(to));
  const parsed = JSON.parse(config) as Record<string, unknown>;
  const dir = makeTempDir("mesh-caddy");
  const configPath = join(dir.path, "caddy.json");
  writeFileSync(configPath, JSON.stringify({ ...parsed, admin: { disabled: true } }));
  const child = Bun.spawn([command, "run", "--config", configPath], {
    // Caddy keeps its state under XDG folders: this run's own.
    env: { PATH: process.env.PATH ?? "", HOME: dir.path, XDG_DATA_HOME: dir.path, XDG_CONFIG_HOME: dir.path },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
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
    dir.remove();
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const answering = await eventually(async () => {
    if (child.exitCode !== null) return true;
    await fetch(`${baseUrl}/`);
    return true;
  }, 15_000);
  if (!answering || child.exitCode !== null) {
    await stop();
    throw new Error(`caddy did not start (exit ${child.exitCode}):\n${output}`);
  }
  return { port, baseUrl, output: () => output, stop, [Symbol.asyncDispose]: stop };
}
