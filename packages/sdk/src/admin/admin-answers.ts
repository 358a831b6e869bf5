import { clientProfile } from "@mesh/shared";
import { z } from "zod";

/*
 * The admin API's answers (docs/admin-api.md#bodies), as this SDK reads them.
 * Objects are loose: fields a newer broker adds are kept, so a program (and
 * `mesh admin --json`) sees the answer as the broker sent it. Times stay ISO
 * strings, exactly as sent.
 */

const isoTime = z.string();

/** A mesh with its counts (docs/admin-api.md#a-mesh). */
export const adminMesh = z.looseObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  ownerPubkey: z.string(),
  profile: clientProfile,
  archived: z.boolean(),
  archivedAt: isoTime.nullable(),
  createdAt: isoTime,
  members: z.number(),
  revokedMembers: z.number(),
  liveSessions: z.number(),
  backlog: z.number(),
  /** Only in the answer to a create, and to the owner's own `GET`. */
  rootKey: z.string().optional(),
});
export type AdminMesh = z.infer<typeof adminMesh>;

/** A member (docs/admin-api.md#a-member). */
export const adminMember = z.looseObject({
  id: z.string(),
  name: z.string(),
  pubkey: z.string(),
  role: z.string(),
  joinedAt: isoTime,
  lastSeenAt: isoTime.nullable(),
  liveSessions: z.number(),
  undelivered: z.number(),
  revoked: z.boolean(),
  revokedAt: isoTime.nullable(),
});
export type AdminMember = z.infer<typeof adminMember>;

/** An invite (docs/admin-api.md#an-invite): never its token, except the link in the answer that stored it. */
export const adminInvite = z.looseObject({
  id: z.string(),
  role: z.string(),
  maxUses: z.number(),
  usedCount: z.number(),
  expiresAt: isoTime,
  expired: z.boolean(),
  revoked: z.boolean(),
  revokedAt: isoTime.nullable(),
  createdAt: isoTime,
  link: z.string().optional(),
});
export type AdminInvite = z.infer<typeof adminInvite>;

/** A live session (docs/admin-api.md#a-session). */
export const adminSession = z.looseObject({
  presenceId: z.string(),
  memberId: z.string(),
  memberName: z.string(),
  instanceId: z.string(),
  status: z.string(),
  statusSource: z.string(),
  statusUpdatedAt: isoTime,
  connectedAt: isoTime,
  connectedSeconds: z.number(),
  lastPingAt: isoTime,
});
export type AdminSession = z.infer<typeof adminSession>;

const ok = z.literal(true);

/** The answers of each route, by what they carry. */
export const adminAnswers = {
  mesh: z.looseObject({ ok, mesh: adminMesh }),
  meshChange: z.looseObject({ ok, mesh: adminMesh, changed: z.boolean() }),
  meshes: z.looseObject({ ok, meshes: z.array(adminMesh) }),
  invite: z.looseObject({ ok, invite: adminInvite }),
  inviteChange: z.looseObject({ ok, invite: adminInvite, changed: z.boolean() }),
  invites: z.looseObject({ ok, invites: z.array(adminInvite) }),
  memberChange: z.looseObject({ ok, member: adminMember, changed: z.boolean() }),
  memberRevoked: z.looseObject({ ok, member: adminMember, changed: z.boolean(), retired: z.number() }),
  members: z.looseObject({ ok, members: z.array(adminMember) }),
  session: z.looseObject({ ok, session: adminSession }),
  sessions: z.looseObject({ ok, sessions: z.array(adminSession) }),
} as const;

/** What a route answered with on success. */
export type AdminAnswer<K extends keyof typeof adminAnswers> = z.infer<(typeof adminAnswers)[K]>;

/** Every refusal: `{ ok: false, error, message }` (docs/admin-api.md#error-codes). */
export const adminRefusal = z.object({ ok: z.literal(false), error: z.string(), message: z.string() });
