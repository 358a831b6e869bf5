import type { Sql } from "@mesh/db";
import { ErrorCode, sha256Hex } from "@mesh/shared";
import { parseBearerToken } from "../hooks/bearer-token.ts";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { type AdminMesh, findAdminMesh } from "./find-admin-mesh.ts";
import type { OperatorCredential } from "./operator-credential.ts";
import { checkOwnerSignature, isOwnerSigned } from "./owner-signature.ts";
import { recordAdminRequest } from "./record-admin-request.ts";

/** What an admin request is about: the whole broker (operator only), or one mesh (its owner, or the operator). */
export type AdminScope = { kind: "broker" } | { kind: "mesh"; slug: string };

/** Who is asking, and the mesh when the request is about one. */
export interface AdminCaller {
  actor: AdminActor;
  mesh: AdminMesh | undefined;
}

/** 401s of the bearer scheme name it, so a client knows what to retry with. */
const CHALLENGE = { "www-authenticate": "Bearer" };

/**
 * Decides who sent an admin request (docs/admin-api.md#checks-in-order): an
 * owner signature when the request is about a mesh and carries
 * `X-Mesh-Owner-Key`, else the operator's bearer token. An owner-signed
 * request is recorded against replays once its key is found to own the mesh.
 * `body` is what was received: the signature covers its hash.
 */
export async function authenticateAdmin(
  deps: { sql: Sql; operator: OperatorCredential },
  req: Request,
  body: Uint8Array,
  scope: AdminScope,
  nowMs: number,
): Promise<AdminCaller> {
  if (scope.kind === "mesh" && isOwnerSigned(req.headers)) {
    const signature = checkOwnerSignature(
      req.headers,
      { method: req.method, pathAndQuery: pathAndQuery(req), bodySha256: sha256Hex(body) },
      nowMs,
    );
    const mesh = await findAdminMesh(deps.sql, scope.slug);
    // A missing mesh answers as another key's mesh does: a signer learns nothing of meshes it does not own.
    if (!mesh || mesh.ownerPubkey !== signature.ownerKey) {
      throw new BrokerError(ErrorCode.adminNotOwner, 403, `this key does not own a mesh "${scope.slug}"`);
    }
    if (!(await recordAdminRequest(deps.sql, signature))) {
      throw new BrokerError(
        ErrorCode.adminReplayed,
        401,
        "this owner key already sent a request with this timestamp; sign each request afresh",
      );
    }
    return { actor: { kind: "owner", ownerKey: signature.ownerKey }, mesh };
  }

  if (!deps.operator.configured) {
    throw new BrokerError(
      ErrorCode.adminNotConfigured,
      403,
      "this broker has no operator credential (ADMIN_TOKEN_SHA256 is unset)",
    );
  }
  const bearer = parseBearerToken(req.headers.get("authorization"));
  if (bearer.kind !== "token" || !deps.operator.verify(bearer.token)) {
    const what = bearer.kind === "none" ? "this request needs the operator token" : "the operator token is wrong";
    throw new BrokerError(ErrorCode.adminUnauthorized, 401, what, { headers: CHALLENGE });
  }
  if (scope.kind === "broker") return { actor: { kind: "operator" }, mesh: undefined };
  const mesh = await findAdminMesh(deps.sql, scope.slug);
  if (!mesh) throw new BrokerError(ErrorCode.meshNotFound, 404, `no mesh "${scope.slug}"`);
  return { actor: { kind: "operator" }, mesh };
}

/** The path and query string as the request line carried them (the URL without its origin). */
export function pathAndQuery(req: Request): string {
  const { origin } = new URL(req.url);
  return req.url.startsWith(origin) ? req.url.slice(origin.length) : new URL(req.url).pathname;
}
