import {
  adminCreateInviteRequest,
  adminEmptyRequest,
  adminInviteId,
  ErrorCode,
  inviteLinkToken,
  inviteSigningString,
} from "@mesh/shared";
import { BrokerError, jsonResponse } from "../server/broker-error.ts";
import type { Routes } from "../server/router.ts";
import { type AdminDeps, meshAdminRoute } from "./admin-route.ts";
import { insertAdminInvite, inviteView, readInvites, revokeInvite } from "./invite-store.ts";
import { meshArchived } from "./update-mesh.ts";
import { verifyAdminInvite } from "./verify-admin-invite.ts";

/** The invite routes of the admin API (docs/admin-api.md): store a signed invite, list, revoke. */
export function inviteRoutes(deps: AdminDeps): Routes {
  const { sql } = deps;

  const findInvite = async (meshId: string, id: string) => {
    const invite = (await readInvites(sql, meshId)).find((i) => i.id === id);
    if (!invite) throw new BrokerError(ErrorCode.inviteNotFound, 404, `the mesh has no invite ${id}`);
    return invite;
  };

  return {
    "/admin/meshes/:slug/invites": {
      GET: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh }) =>
        jsonResponse({ ok: true, invites: (await readInvites(sql, mesh.id)).map(inviteView) }),
      ),
      POST: meshAdminRoute(deps, adminCreateInviteRequest, async ({ mesh, body, actor, log }) => {
        if (mesh.archived) throw meshArchived();
        const invite = verifyAdminInvite(body.link, mesh, Date.now());
        const token = inviteLinkToken(body.link);
        const maxUses = body.maxUses ?? 1;
        await insertAdminInvite(
          sql,
          {
            token,
            meshId: mesh.id,
            role: invite.payload.role,
            maxUses,
            expiresAt: invite.expiresAt,
            signedPayload: inviteSigningString(invite.payload),
          },
          actor,
        );
        const stored = await findInvite(mesh.id, adminInviteId(token));
        log.info({ invite_id: stored.id, role: stored.role, max_uses: maxUses }, "admin: invite created");
        return jsonResponse({ ok: true, invite: { ...inviteView(stored), link: `ic://join/${token}` } }, 201);
      }),
    },
    "/admin/meshes/:slug/invites/:inviteId/revoke": {
      POST: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, params, actor, log }) => {
        const found = await findInvite(mesh.id, params.inviteId ?? "");
        const changed = await revokeInvite(sql, { meshId: mesh.id, token: found.token }, actor);
        log.info({ invite_id: found.id, changed }, "admin: invite revoked");
        return jsonResponse({ ok: true, invite: inviteView(await findInvite(mesh.id, found.id)), changed });
      }),
    },
  };
}
