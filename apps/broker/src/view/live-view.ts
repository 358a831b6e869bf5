import type { Sql } from "@mesh/db";
import { createOperatorCredential } from "../admin/operator-credential.ts";
import type { DbHealth } from "../health/db-ping.ts";
import type { Logger } from "../lib/logger.ts";
import type { Routes } from "../server/router.ts";
import type { SocketHandlers } from "../server/server.ts";
import { buildViewAssets } from "./view-bundle.ts";
import { createViewHub, type ViewHub } from "./view-hub.ts";
import { viewRoutes } from "./view-routes.ts";
import { createViewerSockets } from "./viewer-sockets.ts";

/** The live view, wired: its routes, its sockets' callbacks, its hub. */
export interface LiveView {
  routes: Routes;
  sockets: SocketHandlers;
  hub: ViewHub;
}

/** Builds the page and the hub; `VIEW_ENABLED` decides whether `broker.ts` calls this at all. */
export async function createLiveView(deps: {
  sql: Sql;
  log: Logger;
  instanceId: string;
  dbHealth: DbHealth;
  adminTokenSha256: string | undefined;
  holdsPresence: (presenceId: string) => boolean;
}): Promise<LiveView> {
  const log = deps.log.child({ component: "live-view" });
  const credential = createOperatorCredential(deps.adminTokenSha256);
  // parseConfig refuses VIEW_ENABLED without ADMIN_TOKEN_SHA256; this only guards a caller that skipped it.
  if (!credential.configured) throw new Error("the live view needs ADMIN_TOKEN_SHA256");
  const assets = await buildViewAssets();
  const hub = createViewHub({ ...deps, log });
  return {
    routes: viewRoutes({ assets, hub, credential }),
    sockets: createViewerSockets({ hub, credential, log }),
    hub,
  };
}
