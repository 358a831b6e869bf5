import type { Sql } from "@mesh/db";
import { adminEmptyRequest, adminRenameMemberRequest, ErrorCode } from "@mesh/shared";
import { BrokerError, jsonResponse } from "../server/broker-error.ts";
import type { Routes } from "../server/router.ts";
import { type AdminDeps, meshAdminRoute } from "./admin-route.ts";
import { renameMember, restoreMember, revokeMember } from "./member-changes.ts";
import { type MemberView, readMemberViews } from "./read-member-views.ts";
import { meshArchived } from "./update-mesh.ts";

/** The member routes of the admin API (docs/admin-api.md): list, rename, revoke, restore. */
export function memberRoutes(deps: AdminDeps): Routes {
  const { sql } = deps;
  return {
    "/admin/meshes/:slug/members": {
      GET: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh }) =>
        jsonResponse({ ok: true, members: await readMemberViews(sql, mesh.id) }),
      ),
    },
    "/admin/meshes/:slug/members/:memberId": {
      PATCH: meshAdminRoute(deps, adminRenameMemberRequest, async ({ mesh, params, body, actor, log }) => {
        if (mesh.archived) throw meshArchived();
        const target = { meshId: mesh.id, memberId: params.memberId ?? "" };
        const changed = await renameMember(sql, target, body.name, actor);
        log.info({ member_id: target.memberId, changed }, "admin: member renamed");
        return jsonResponse({ ok: true, member: await memberView(sql, target), changed });
      }),
    },
    "/admin/meshes/:slug/members/:memberId/revoke": {
      POST: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, params, actor, log }) => {
        const target = { meshId: mesh.id, memberId: params.memberId ?? "" };
        const { changed, retired } = await revokeMember(sql, target, actor);
        log.info({ member_id: target.memberId, changed, retired }, "admin: member revoked");
        return jsonResponse({ ok: true, member: await memberView(sql, target), changed, retired });
      }),
    },
    "/admin/meshes/:slug/members/:memberId/restore": {
      POST: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, params, actor, log }) => {
        if (mesh.archived) throw meshArchived();
        const target = { meshId: mesh.id, memberId: params.memberId ?? "" };
        const changed = await restoreMember(sql, target, actor);
        log.info({ member_id: target.memberId, changed }, "admin: member restored");
        return jsonResponse({ ok: true, member: await memberView(sql, target), changed });
      }),
    },
  };
}

async function memberView(sql: Sql, target: { meshId: string; memberId: string }): Promise<MemberView> {
  const [member] = await readMemberViews(sql, target.meshId, target.memberId);
  if (!member) throw new BrokerError(ErrorCode.memberNotFound, 404, `the mesh has no member ${target.memberId}`);
  return member;
}
