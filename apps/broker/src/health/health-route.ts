import { jsonResponse } from "../server/broker-error.ts";
import type { Handler } from "../server/router.ts";
import type { BuildInfo } from "./build-info.ts";
import type { DbHealth } from "./db-ping.ts";

/**
 * GET /health: 200 with `db: "up"` while the DB ping reaches a Postgres that
 * takes writes, else 503 with `db: "down"` (unreachable) or `"read_only"`.
 */
export function healthHandler(deps: { dbHealth: DbHealth; build: BuildInfo; startedAt: number }): Handler {
  return () => {
    const up = deps.dbHealth.healthy;
    const body = {
      status: up ? "ok" : "degraded",
      db: deps.dbHealth.state,
      version: deps.build.version,
      gitSha: deps.build.gitSha,
      uptime: Math.floor((performance.now() - deps.startedAt) / 1000),
    };
    return jsonResponse(body, up ? 200 : 503, { "cache-control": "no-store" });
  };
}
