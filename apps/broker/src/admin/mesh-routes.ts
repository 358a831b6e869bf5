import { randomBytes } from "node:crypto";
import { adminCreateMeshRequest, adminEmptyRequest, adminUpdateMeshRequest, ErrorCode } from "@mesh/shared";
import { BrokerError, jsonResponse } from "../server/broker-error.ts";
import type { Routes } from "../server/router.ts";
import { type AdminDeps, brokerAdminRoute, type MeshAdminCall, meshAdminRoute } from "./admin-route.ts";
import { insertAdminMesh } from "./insert-admin-mesh.ts";
import { type MeshView, readMeshViews } from "./read-mesh-views.ts";
import { setMeshArchived } from "./set-mesh-archived.ts";
import { updateMesh } from "./update-mesh.ts";

/**
 * The mesh routes of the admin API (docs/admin-api.md): create and list
 * (operator), show, rename or set the profile, archive, unarchive.
 */
export function meshRoutes(deps: AdminDeps): Routes {
  const { sql } = deps;

  const view = async (slug: string): Promise<MeshView> => {
    const [mesh] = await readMeshViews(sql, { slug });
    if (!mesh) throw new BrokerError(ErrorCode.meshNotFound, 404, `no mesh "${slug}"`);
    return mesh;
  };

  const archiveRoute = (archived: boolean) =>
    meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, actor, log }) => {
      const changed = await setMeshArchived(sql, mesh.id, archived, actor);
      log.info({ archived, changed }, "admin: mesh archival");
      return jsonResponse({ ok: true, mesh: await view(mesh.slug), changed });
    });

  return {
    "/admin/meshes": {
      GET: brokerAdminRoute(deps, adminEmptyRequest, async () =>
        jsonResponse({ ok: true, meshes: await readMeshViews(sql) }),
      ),
      POST: brokerAdminRoute(deps, adminCreateMeshRequest, async ({ body, actor, log }) => {
        // 32 random bytes, as `mesh admin create-mesh` made them, unless the owner brought its own.
        const rootKey = body.rootKey ?? randomBytes(32).toString("base64url");
        const profile = body.profile ?? "strict";
        const id = await insertAdminMesh(
          sql,
          { slug: body.slug, name: body.name, ownerPubkey: body.ownerPubkey, rootKey, profile },
          actor,
        );
        log.info({ mesh_id: id, slug: body.slug, profile }, "admin: mesh created");
        return jsonResponse({ ok: true, mesh: { ...(await view(body.slug)), rootKey } }, 201);
      }),
    },
    "/admin/meshes/:slug": {
      GET: meshAdminRoute(deps, adminEmptyRequest, async ({ mesh, actor }: MeshAdminCall<unknown>) => {
        const shown = await view(mesh.slug);
        // The owner signs invites, which carry the root key: it may read it back.
        return jsonResponse({ ok: true, mesh: actor.kind === "owner" ? { ...shown, rootKey: mesh.rootKey } : shown });
      }),
      PATCH: meshAdminRoute(deps, adminUpdateMeshRequest, async ({ mesh, body, actor, log }) => {
        const changed = await updateMesh(sql, mesh.id, { name: body.name, profile: body.profile }, actor);
        log.info({ changed, profile: body.profile }, "admin: mesh updated");
        return jsonResponse({ ok: true, mesh: await view(mesh.slug), changed });
      }),
    },
    "/admin/meshes/:slug/archive": { POST: archiveRoute(true) },
    "/admin/meshes/:slug/unarchive": { POST: archiveRoute(false) },
  };
}
