import { ErrorCode } from "@mesh/shared";
import type { OperatorCredential } from "../admin/operator-credential.ts";
import { parseBearerToken } from "../hooks/bearer-token.ts";
import { BrokerError, jsonResponse } from "../server/broker-error.ts";
import type { Handler, Routes } from "../server/router.ts";
import { newSocketData } from "../sessions/session.ts";
import { VIEW_BOUNDS } from "./view-bounds.ts";
import type { ViewAssets } from "./view-bundle.ts";
import type { ViewHub } from "./view-hub.ts";
import { newViewerSocketState } from "./viewer-socket-state.ts";

/**
 * The page holds no data, so it is served to anyone; it runs only its own
 * script and style, talks only to this origin, and may not be framed.
 */
const PAGE_HEADERS = {
  "cache-control": "no-cache",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

const asset =
  (body: string, type: string): Handler =>
  () =>
    new Response(body, { headers: { ...PAGE_HEADERS, "content-type": type } });

/** Refuses a request without the operator token (`Authorization: Bearer <token>`). */
function requireOperator(req: Request, credential: OperatorCredential): void {
  const bearer = parseBearerToken(req.headers.get("authorization"));
  if (bearer.kind !== "token" || !credential.verify(bearer.token)) {
    throw new BrokerError(ErrorCode.unauthorized, 401, "the live view needs the operator token", {
      headers: { "www-authenticate": "Bearer" },
    });
  }
}

/** The live view's routes, added to the broker's only when `VIEW_ENABLED` is on. */
export function viewRoutes(deps: { assets: ViewAssets; hub: ViewHub; credential: OperatorCredential }): Routes {
  const { assets, hub, credential } = deps;
  return {
    "/view": { GET: asset(assets.html, "text/html; charset=utf-8") },
    "/view/app.js": { GET: asset(assets.js, "text/javascript; charset=utf-8") },
    "/view/app.css": { GET: asset(assets.css, "text/css; charset=utf-8") },
    "/view/state": {
      GET: async (req) => {
        requireOperator(req, credential);
        return jsonResponse({ now: Date.now(), state: await hub.readState() }, 200, { "cache-control": "no-store" });
      },
    },
    "/view/ws": {
      GET: (req, server) => {
        if (hub.sockets >= VIEW_BOUNDS.maxSockets) {
          throw new BrokerError(ErrorCode.capacity, 503, `at most ${VIEW_BOUNDS.maxSockets} live viewers per instance`);
        }
        const data = { ...newSocketData(), kind: "viewer" as const, viewer: newViewerSocketState() };
        if (server.upgrade(req, { data })) return undefined;
        throw new BrokerError(ErrorCode.upgradeRequired, 426, "GET /view/ws must be a WebSocket upgrade", {
          headers: { upgrade: "websocket" },
        });
      },
    },
  };
}
