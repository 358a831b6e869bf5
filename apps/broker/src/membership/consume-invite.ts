import type { Sql } from "@mesh/db";

/** What one attempt to spend an invite use on a new member did. */
export type ConsumeInviteResult =
  | { kind: "joined"; memberId: string; role: string }
  /** Nothing was written: no use could be taken, or the key became a member meanwhile. */
  | { kind: "not_consumed" }
  /** Nothing was written: another non-revoked member of the mesh has the name, ignoring case. */
  | { kind: "name_taken" };

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = "23505";
/** The unique index on (mesh_id, lower(display_name)) of non-revoked members (packages/db/src/schema/members.ts). */
const DISPLAY_NAME_INDEX = "member_mesh_display_name_uq";

/** Whether `e` is the insert running into another member's name. */
function isNameTaken(e: unknown): boolean {
  const { code, constraint_name: index } = (e ?? {}) as { code?: unknown; constraint_name?: unknown };
  return code === UNIQUE_VIOLATION && index === DISPLAY_NAME_INDEX;
}

/** Thrown inside the transaction to undo the use taken for a key that is already enrolled. */
class KeyAlreadyEnrolled extends Error {}

/**
 * In one transaction: takes one use of the invite — only while it belongs to
 * `meshId`, is not revoked, not expired and has uses left, which the row lock
 * makes race-free — enrols the key with the invite row's role, and writes a
 * `member_joined` audit row. When the key is enrolled concurrently, or the
 * name is another member's (the unique index decides, races included), the
 * use is rolled back, so a use is only ever spent on a new member.
 */
export async function consumeInvite(
  sql: Sql,
  join: { token: string; meshId: string; pubkey: string; displayName: string },
): Promise<ConsumeInviteResult> {
  try {
    return await sql.begin(async (tx): Promise<ConsumeInviteResult> => {
      const [invite] = await tx<{ role: string }[]>`
        update mesh.invite set used_count = used_count + 1
        where token = ${join.token} and mesh_id = ${join.meshId}
          and revoked_at is null and expires_at > now() and used_count < max_uses
        returning role`;
      if (!invite) return { kind: "not_consumed" };
      const [member] = await tx<{ id: string }[]>`
        insert into mesh.member (mesh_id, pubkey, display_name, role)
        values (${join.meshId}, ${join.pubkey}, ${join.displayName}, ${invite.role})
        on conflict (mesh_id, pubkey) do nothing
        returning id`;
      if (!member) throw new KeyAlreadyEnrolled();
      await tx`
        insert into mesh.audit_log (event, mesh_id, actor, target, detail)
        values ('member_joined', ${join.meshId}, ${member.id}, ${member.id}, ${tx.json({ role: invite.role })})`;
      return { kind: "joined", memberId: member.id, role: invite.role };
    });
  } catch (e: unknown) {
    if (e instanceof KeyAlreadyEnrolled) return { kind: "not_consumed" };
    if (isNameTaken(e)) return { kind: "name_taken" };
    throw e;
  }
}
