import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir } from "@mesh/db/testing";
import { startTool, type ToolProcess } from "../helpers/tool-process.ts";

/** A real Caddy running a config of the kit with its addresses moved onto this machine. */
export interface CaddyProcess extends ToolProcess, AsyncDisposable {
  port: number;
  baseUrl: string;
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
  const baseUrl = `http://127.0.0.1:${port}`;
  const { output, stop } = await startTool("caddy", [command, "run", "--config", configPath], {
    dir,
    // Caddy keeps its state under XDG folders: this run's own.
    env: { PATH: process.env.PATH ?? "", HOME: dir.path, XDG_DATA_HOME: dir.path, XDG_CONFIG_HOME: dir.path },
    ready: async () => {
      await fetch(`${baseUrl}/`);
      return true;
    },
  });
  return { port, baseUrl, output, stop, [Symbol.asyncDispose]: stop };
}
