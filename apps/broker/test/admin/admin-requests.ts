import type { Sql } from "@mesh/db";
import {
  type Ed25519KeyPair,
  encodeInviteLink,
  type InvitePayload,
  inviteSigningString,
  sha256Hex,
  signAdminRequest,
  signEd25519,
} from "@mesh/shared";
import type { TestMesh } from "../helpers/mesh-fixtures.ts";

/** The operator token the test brokers are configured with (by its SHA-256). */
export const OPERATOR_TOKEN = "test-operator-token-0123456789abcdef";

/** The environment of a broker that knows the operator token. */
export const OPERATOR_ENV = { ADMIN_TOKEN_SHA256: sha256Hex(OPERATOR_TOKEN) };

/** An admin API answer: its status, JSON body and headers. */
export interface AdminAnswer {
  status: number;
  body: Record<string, unknown> & { ok: boolean; error?: string };
  headers: Headers;
}

async function answer(res: Response): Promise<AdminAnswer> {
  return { status: res.status, body: (await res.json()) as AdminAnswer["body"], headers: res.headers };
}

/** Sends an admin request with the given headers and body (JSON-encoded unless already a string). */
export async function adminRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<AdminAnswer> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    ...(body === undefined ? {} : { body }),
  });
  return answer(res);
}

/** An admin request with the operator's bearer token (or `token`). */
export function asOperator(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token = OPERATOR_TOKEN,
): Promise<AdminAnswer> {
  return adminRequest(baseUrl, method, path, { body, headers: { authorization: `Bearer ${token}` } });
}

/** An admin request signed by `owner` over exactly the body sent. */
export function asOwner(
  baseUrl: string,
  owner: Ed25519KeyPair,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminAnswer> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = { ...signAdminRequest(owner, method, path, text) };
  return adminRequest(baseUrl, method, path, { body: body === undefined ? undefined : text, headers });
}

/** An invite link for `mesh` signed by its owner (or `signer`), as the owner's CLI makes one. */
export function signedInviteLink(
  mesh: TestMesh,
  options: { signer?: Ed25519KeyPair; role?: "admin" | "member"; expiresAt?: Date; rootKey?: string } = {},
): { link: string; token: string; payload: InvitePayload } {
  const signer = options.signer ?? mesh.owner;
  const unsigned = {
    v: 1 as const,
    mesh_id: mesh.id,
    mesh_slug: mesh.slug,
    broker_url: "ws://127.0.0.1:7900/ws",
    expires_at: Math.floor((options.expiresAt ?? new Date(Date.now() + 3600_000)).getTime() / 1000),
    mesh_root_key: options.rootKey ?? mesh.rootKey,
    role: options.role ?? "member",
    owner_pubkey: signer.publicKey,
  };
  const payload: InvitePayload = { ...unsigned, signature: signEd25519(signer, inviteSigningString(unsigned)) };
  const link = encodeInviteLink(payload);
  return { link, token: link.slice("ic://join/".length), payload };
}

/** The audit rows of a mesh, oldest first. */
export async function auditRows(
  sql: Sql,
  meshId: string,
): Promise<{ event: string; actor: string | null; target: string | null; detail: Record<string, unknown> | null }[]> {
  return sql`
    select event, actor, target, detail from mesh.audit_log where mesh_id = ${meshId} order by id`;
}
