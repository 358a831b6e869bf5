import {
  type AdminCreateInviteRequest,
  type AdminCreateMeshRequest,
  type AdminUpdateMeshRequest,
  type Ed25519KeyPair,
  MESH_SLUG_PATTERN,
  signAdminRequest,
} from "@mesh/shared";
import type { z } from "zod";
import { httpBaseUrl } from "../broker-http.ts";
import { MeshError } from "../mesh-error.ts";
import { type AdminAnswer, adminAnswers, adminRefusal } from "./admin-answers.ts";

/** How an admin request proves who sends it (docs/admin-api.md#authentication). */
export interface AdminCredentials {
  /** The operator's bearer token: every route, the broker-wide ones included. */
  operatorToken?: string;
  /**
   * The owner keys of mesh `slug`, when this program holds them: requests
   * about that mesh are then signed with them instead of sending the token.
   */
  ownerKeys?: (slug: string) => Ed25519KeyPair | undefined;
}

/** Where the broker is and who asks. */
export interface AdminClientOptions extends AdminCredentials {
  /** The broker's HTTP base (`http://host:7900`) or its WebSocket URL (`ws://host:7900/ws`). */
  brokerUrl: string;
  /** Per request; 15 s by default. */
  timeoutMs?: number;
}

/** A member or presence id as the broker's paths take it; `.` and `..` would be rewritten by the URL parser. */
const PATH_ID = /^(?!\.{1,2}$)[A-Za-z0-9._:-]{1,200}$/;
/** An invite id: 16 hex digits (docs/admin-api.md#invite-ids). */
const INVITE_ID = /^[0-9a-f]{16}$/;

type AnswerKind = keyof typeof adminAnswers;

/**
 * A client of the broker's admin API (docs/admin-api.md). Requests about a
 * mesh are signed with its owner keys when `ownerKeys` has them, else carry
 * the operator token; broker-wide ones carry the token. A refusal throws a
 * {@link MeshError} with the broker's code (`brokerCode` set); a broker out
 * of reach `broker_unreachable`; an answer of the wrong shape `bad_response`.
 */
export class AdminClient {
  /** The broker's HTTP base, without a trailing slash. */
  readonly baseUrl: string;
  readonly #credentials: AdminCredentials;
  readonly #timeoutMs: number;

  constructor(options: AdminClientOptions) {
    this.baseUrl = httpBaseUrl(options.brokerUrl);
    this.#credentials = { operatorToken: options.operatorToken, ownerKeys: options.ownerKeys };
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** `POST /admin/meshes` (operator): the answer carries the mesh's root key. */
  createMesh(body: AdminCreateMeshRequest): Promise<AdminAnswer<"mesh">> {
    return this.#request("mesh", "POST", "/admin/meshes", { body });
  }

  /** `GET /admin/meshes` (operator): every mesh with its counts, by slug. */
  listMeshes(): Promise<AdminAnswer<"meshes">> {
    return this.#request("meshes", "GET", "/admin/meshes");
  }

  /** `GET /admin/meshes/:slug`; signed by the owner, the mesh carries its root key. */
  getMesh(slug: string): Promise<AdminAnswer<"mesh">> {
    return this.#request("mesh", "GET", meshPath(slug), { slug });
  }

  /** `PATCH /admin/meshes/:slug`: rename it and/or set its client profile. */
  updateMesh(slug: string, body: AdminUpdateMeshRequest): Promise<AdminAnswer<"meshChange">> {
    return this.#request("meshChange", "PATCH", meshPath(slug), { slug, body });
  }

  /** `POST /admin/meshes/:slug/archive`: sessions closed, sends and joins refused. */
  archiveMesh(slug: string): Promise<AdminAnswer<"meshChange">> {
    return this.#request("meshChange", "POST", `${meshPath(slug)}/archive`, { slug, body: {} });
  }

  /** `POST /admin/meshes/:slug/unarchive`. */
  unarchiveMesh(slug: string): Promise<AdminAnswer<"meshChange">> {
    return this.#request("meshChange", "POST", `${meshPath(slug)}/unarchive`, { slug, body: {} });
  }

  /** `POST /admin/meshes/:slug/invites`: stores a link the owner signed (see `signInvite`). */
  createInvite(slug: string, body: AdminCreateInviteRequest): Promise<AdminAnswer<"invite">> {
    return this.#request("invite", "POST", `${meshPath(slug)}/invites`, { slug, body });
  }

  /** `GET /admin/meshes/:slug/invites`, newest first. */
  listInvites(slug: string): Promise<AdminAnswer<"invites">> {
    return this.#request("invites", "GET", `${meshPath(slug)}/invites`, { slug });
  }

  /** `POST /admin/meshes/:slug/invites/:inviteId/revoke`: its `/join` is refused from now on. */
  revokeInvite(slug: string, inviteId: string): Promise<AdminAnswer<"inviteChange">> {
    const id = pathParam(inviteId, INVITE_ID, "an invite id is 16 lower-case hex digits");
    return this.#request("inviteChange", "POST", `${meshPath(slug)}/invites/${id}/revoke`, { slug, body: {} });
  }

  /** `GET /admin/meshes/:slug/members`, by join time, revoked ones included. */
  listMembers(slug: string): Promise<AdminAnswer<"members">> {
    return this.#request("members", "GET", `${meshPath(slug)}/members`, { slug });
  }

  /** `PATCH /admin/meshes/:slug/members/:memberId`. */
  renameMember(slug: string, memberId: string, name: string): Promise<AdminAnswer<"memberChange">> {
    return this.#request("memberChange", "PATCH", memberPath(slug, memberId), { slug, body: { name } });
  }

  /** `POST …/members/:memberId/revoke`: its sessions close, its queued envelopes are retired both ways. */
  revokeMember(slug: string, memberId: string): Promise<AdminAnswer<"memberRevoked">> {
    return this.#request("memberRevoked", "POST", `${memberPath(slug, memberId)}/revoke`, { slug, body: {} });
  }

  /** `POST …/members/:memberId/restore`: the key may say hello again. */
  restoreMember(slug: string, memberId: string): Promise<AdminAnswer<"memberChange">> {
    return this.#request("memberChange", "POST", `${memberPath(slug, memberId)}/restore`, { slug, body: {} });
  }

  /** `GET /admin/meshes/:slug/sessions`: live sessions on every instance, oldest first. */
  listSessions(slug: string): Promise<AdminAnswer<"sessions">> {
    return this.#request("sessions", "GET", `${meshPath(slug)}/sessions`, { slug });
  }

  /** `POST …/sessions/:presenceId/kick`: closes that session (4003); its member may reconnect. */
  kickSession(slug: string, presenceId: string): Promise<AdminAnswer<"session">> {
    const id = pathParam(presenceId, PATH_ID, "a session id is 1 to 200 letters, digits, '-', '_', '.' or ':'");
    return this.#request("session", "POST", `${meshPath(slug)}/sessions/${id}/kick`, { slug, body: {} });
  }

  async #request<K extends AnswerKind>(
    kind: K,
    method: string,
    path: string,
    options: { slug?: string; body?: unknown } = {},
  ): Promise<AdminAnswer<K>> {
    const body = options.body === undefined ? "" : JSON.stringify(options.body);
    const headers: Record<string, string> = body === "" ? {} : { "content-type": "application/json" };
    const owner = options.slug === undefined ? undefined : this.#credentials.ownerKeys?.(options.slug);
    if (owner) Object.assign(headers, signAdminRequest(owner, method, path, body));
    else if (this.#credentials.operatorToken !== undefined) {
      headers.authorization = `Bearer ${this.#credentials.operatorToken}`;
    }
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === "" ? {} : { body }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e: unknown) {
      throw new MeshError("broker_unreachable", `cannot reach ${url}`, { cause: e });
    }
    const value: unknown = await response.json().catch(() => undefined);
    const refusal = adminRefusal.safeParse(value);
    if (refusal.success) throw MeshError.fromBroker(refusal.data.error, refusal.data.message);
    const schema: z.ZodType<AdminAnswer<K>> = adminAnswers[kind] as unknown as z.ZodType<AdminAnswer<K>>;
    const answer = schema.safeParse(value);
    if (!response.ok || !answer.success) {
      throw new MeshError("bad_response", `${method} ${url} answered ${response.status} with an unexpected body`);
    }
    return answer.data;
  }
}

function meshPath(slug: string): string {
  if (!MESH_SLUG_PATTERN.test(slug)) throw new MeshError("bad_slug", `"${slug}" is not a mesh slug`);
  return `/admin/meshes/${slug}`;
}

function memberPath(slug: string, memberId: string): string {
  const id = pathParam(memberId, PATH_ID, "a member id is 1 to 200 letters, digits, '-', '_', '.' or ':'");
  return `${meshPath(slug)}/members/${id}`;
}

/** A path parameter sent as it is: the broker does not percent-decode, and the signature covers the path. */
function pathParam(value: string, pattern: RegExp, rule: string): string {
  if (!pattern.test(value)) throw new MeshError("bad_request", `"${value}": ${rule}`);
  return value;
}
