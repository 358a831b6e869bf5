import { adminEmptyRequest } from "@mesh/shared";
import { jsonResponse } from "../server/broker-error.ts";
import type { Routes } from "../server/router.ts";
import { type AdminDeps, meshAdminRoute } from "./admin-route.ts";
import { kickSession } from "./kick-session.ts";
import { readSessionViews } from "./read-session-views.ts";

/** The session routes of the admin API (docs/admin-api.md): list live sessions, kick one. */
export function sessionRoutes(deps: AdminDeps): Routes {
  const { sql } = deps;
  return {
    "/admin/meshes/:slug/sessions": {
      GET: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh }) =>
        jsonResponse({ ok: true, sessions: await readSessionViews(sql, mesh.id) }),
      ),
    },
    "/admin/meshes/:slug/sessions/:presenceId/kick": {
      POST: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, params, actor, log }) => {
        const session = await kickSession(sql, { meshId: mesh.id, presenceId: params.presenceId ?? "" }, actor);
        log.info({ presence_id: session.presenceId, member_id: session.memberId }, "admin: session kicked");
        return jsonResponse({ ok: true, session });
      }),
    },
  };
}
