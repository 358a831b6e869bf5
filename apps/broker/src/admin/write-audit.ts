import type { Sql } from "@mesh/db";
import { type AdminActor, auditActor } from "./admin-actor.ts";

/** A connection or a transaction of one (`sql.begin`'s callback argument). */
export type SqlOrTransaction = Sql | Parameters<Parameters<Sql["begin"]>[1]>[0];

/** One admin action, as `audit_log` keeps it: metadata only, never a token, a link or key material. */
export interface AdminAuditEntry {
  event: string;
  meshId: string;
  actor: AdminActor;
  /** The mesh, member, invite or presence id acted on. */
  target: string;
  detail?: Record<string, string | number | boolean | null>;
}

/** Writes the audit row of an admin action, in the caller's transaction. */
export async function writeAdminAudit(sql: SqlOrTransaction, entry: AdminAuditEntry): Promise<void> {
  await sql`
    insert into mesh.audit_log (event, mesh_id, actor, target, detail)
    values (${entry.event}, ${entry.meshId}, ${auditActor(entry.actor)}, ${entry.target},
            ${entry.detail === undefined ? null : sql.json(entry.detail)})`;
}
