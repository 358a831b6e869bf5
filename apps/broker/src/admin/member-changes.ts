import type { Sql } from "@mesh/db";
import { ErrorCode } from "@mesh/shared";
import { BrokerError } from "../server/broker-error.ts";
import type { AdminActor } from "./admin-actor.ts";
import { writeAdminAudit } from "./write-audit.ts";

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = "23505";
/** The unique index on (mesh_id, lower(display_name)) of non-revoked members (migration 0008). */
const DISPLAY_NAME_INDEX = "member_mesh_display_name_uq";

type Transaction = Parameters<Parameters<Sql["begin"]>[1]>[0];

/** The member row an admin change holds, locked for the transaction. */
interface LockedMember {
  name: string;
  revoked: boolean;
}

async function lockMember(tx: Transaction, meshId: string, memberId: string): Promise<LockedMember> {
  const [row] = await tx<LockedMember[]>`
    select display_name as name, revoked_at is not null as revoked
    from mesh.member where id = ${memberId} and mesh_id = ${meshId} for update`;
  if (!row) throw new BrokerError(ErrorCode.memberNotFound, 404, `the mesh has no member ${memberId}`);
  return row;
}

/** Runs `change`, turning the display-name index's refusal into 409 `name_taken`. */
async function withUniqueName<T>(name: () => string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (e: unknown) {
    const { code, constraint_name: index } = (e ?? {}) as { code?: unknown; constraint_name?: unknown };
    if (code === UNIQUE_VIOLATION && index === DISPLAY_NAME_INDEX) {
      throw new BrokerError(
        ErrorCode.nameTaken,
        409,
        `another member of this mesh is named "${name()}" (names are unique, ignoring case)`,
      );
    }
    throw e;
  }
}

/** Renames a member with its `member_renamed` audit row (`old`, `new`); false when the name is the same. */
export async function renameMember(
  sql: Sql,
  target: { meshId: string; memberId: string },
  name: string,
  actor: AdminActor,
): Promise<boolean> {
  return withUniqueName(
    () => name,
    () =>
      sql.begin(async (tx) => {
        const member = await lockMember(tx, target.meshId, target.memberId);
        if (member.name === name) return false;
        await tx`update mesh.member set display_name = ${name} where id = ${target.memberId}`;
        await writeAdminAudit(tx, {
          event: "member_renamed",
          meshId: target.meshId,
          actor,
          target: target.memberId,
          detail: { old: member.name, new: name },
        });
        return true;
      }),
  );
}

/**
 * Revokes a member and retires its queued envelopes both ways, with its
 * `member_revoked` audit row, in one transaction (docs/admin-api.md):
 * undelivered rows to it and from it expire now, so they are never pushed
 * again and the retention sweep deletes them. At the commit, migration
 * 0007's trigger notifies `mesh_revoke` and every instance closes its
 * sessions. `changed` is false (nothing done) when it already was revoked.
 */
export async function revokeMember(
  sql: Sql,
  target: { meshId: string; memberId: string },
  actor: AdminActor,
): Promise<{ changed: boolean; retired: number }> {
  return sql.begin(async (tx) => {
    const member = await lockMember(tx, target.meshId, target.memberId);
    if (member.revoked) return { changed: false, retired: 0 };
    await tx`update mesh.member set revoked_at = now() where id = ${target.memberId}`;
    // Two statements: each side is found by its own condition (the recipient side by its index).
    const toIt = await tx`
      update mesh.message_queue set expires_at = now()
      where recipient_member_id = ${target.memberId} and delivered_at is null
        and (expires_at is null or expires_at > now())`;
    const fromIt = await tx`
      update mesh.message_queue set expires_at = now()
      where sender_member_id = ${target.memberId} and delivered_at is null
        and (expires_at is null or expires_at > now())`;
    // What it sent is never pushed again: its bodies go with the next retention sweep.
    await tx`update mesh.envelope set keep_until = now() where sender_member_id = ${target.memberId} and keep_until > now()`;
    const retired = toIt.count + fromIt.count;
    await writeAdminAudit(tx, {
      event: "member_revoked",
      meshId: target.meshId,
      actor,
      target: target.memberId,
      detail: { retired },
    });
    return { changed: true, retired };
  });
}

/**
 * Clears a member's revocation with its `member_restored` audit row; false
 * when it was not revoked. 409 `name_taken` when a live member took its name.
 */
export async function restoreMember(
  sql: Sql,
  target: { meshId: string; memberId: string },
  actor: AdminActor,
): Promise<boolean> {
  let name = "";
  return withUniqueName(
    () => name,
    () =>
      sql.begin(async (tx) => {
        const member = await lockMember(tx, target.meshId, target.memberId);
        name = member.name;
        if (!member.revoked) return false;
        await tx`update mesh.member set revoked_at = null where id = ${target.memberId}`;
        await writeAdminAudit(tx, { event: "member_restored", meshId: target.meshId, actor, target: target.memberId });
        return true;
      }),
  );
}
