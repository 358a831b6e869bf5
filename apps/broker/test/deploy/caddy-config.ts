import { runToExit } from "@mesh/db/testing";
import { z } from "zod";

const reverseProxy = z.looseObject({
  handler: z.literal("reverse_proxy"),
  stream_timeout: z.unknown().optional(),
  upstreams: z.array(z.object({ dial: z.string() })),
  health_checks: z.object({ active: z.object({ uri: z.string() }).optional() }).optional(),
});
/** The kit's `reverse_proxy` handler, as Caddy's JSON config has it. */
export type ReverseProxy = z.infer<typeof reverseProxy>;

const handler = z.looseObject({ handler: z.string(), routes: z.array(z.unknown()).optional() });
const route = z.looseObject({
  match: z.array(z.looseObject({ path: z.array(z.string()).optional() })).optional(),
  handle: z.array(handler).default([]),
});
const server = z.looseObject({
  listen: z.array(z.string()),
  routes: z.array(route),
  read_timeout: z.unknown().optional(),
  idle_timeout: z.unknown().optional(),
});
const caddyJson = z.looseObject({
  apps: z.looseObject({ http: z.looseObject({ servers: z.record(z.string(), server) }) }),
});
/** Caddy's JSON config, narrowed to what the kit's tests read and rewrite. */
export type CaddyJson = z.infer<typeof caddyJson>;

/** The Caddyfile adapted by Caddy itself to its JSON config: the text, and parsed. */
export async function adaptedCaddyfile(
  command: string,
  caddyfile: string,
): Promise<{ json: string; config: CaddyJson }> {
  const run = await runToExit([command, "adapt", "--config", caddyfile, "--adapter", "caddyfile"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  if (run.code !== 0) throw new Error(`caddy adapt failed (${run.code}): ${run.stderr}`);
  return { json: run.stdout, config: caddyJson.parse(JSON.parse(run.stdout)) };
}

/** Every handler of `handlers`, those of subroutes included. */
function flatten(handlers: readonly z.infer<typeof handler>[]): z.infer<typeof handler>[] {
  return handlers.flatMap((h) => [h, ...flatten((h.routes ?? []).flatMap((r) => route.parse(r).handle))]);
}

/** The one server of the config, the paths its reverse proxy serves, and the proxy handler. */
export function reverseProxyOf(config: CaddyJson): {
  server: z.infer<typeof server>;
  paths: string[];
  proxy: ReverseProxy;
} {
  const servers = Object.values(config.apps.http.servers);
  const [only] = servers;
  if (!only || servers.length !== 1) throw new Error(`expected one server, got ${servers.length}`);
  const proxied = only.routes.filter((r) => flatten(r.handle).some((h) => h.handler === "reverse_proxy"));
  const [proxyRoute] = proxied;
  if (!proxyRoute || proxied.length !== 1) throw new Error(`expected one proxied route, got ${proxied.length}`);
  const found = flatten(proxyRoute.handle).find((h) => h.handler === "reverse_proxy");
  return {
    server: only,
    paths: (proxyRoute.match ?? []).flatMap((m) => m.path ?? []),
    proxy: reverseProxy.parse(found),
  };
}
