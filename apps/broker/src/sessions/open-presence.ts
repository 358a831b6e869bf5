import type { PresenceRow, Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";

/** A new session's presence, with the status it starts in. */
export interface OpenedPresence {
  presenceId: string;
  status: Status;
  statusSource: StatusSource;
  statusUpdatedAt: number;
  /** True when a hook's pending status (the first-turn race) was applied. */
  pendingApplied: boolean;
}

/**
 * Admits a session under the mesh's cap and writes its presence row, in one
 * transaction. The hello's (member, timestamp) is recorded first: one seen
 * before is a replay, and nothing is written. A transaction-scoped advisory
 * lock per mesh serialises concurrent hellos on every instance, so two can
 * never both take the last place. A pending hook status for the same (cwd, pid) from the last
 * `pendingWindowSeconds` becomes the starting status.
 */
export async function openPresence(
  sql: Sql,
  p: {
    meshId: string;
    memberId: string;
    instanceId: string;
    sessionId: string;
    /** The signed timestamp of the hello (ms). */
    helloTimestamp: number;
    pid: number | null;
    cwd: string | null;
    hookTokenHash: string;
    maxSessionsPerMesh: number;
    pendingWindowSeconds: number;
  },
): Promise<OpenedPresence | "capacity" | "replayed"> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`mesh-capacity:${p.meshId}`}, 0))`;
    const fresh = await tx`
      insert into mesh.hello_seen (member_id, hello_timestamp) values (${p.memberId}, ${p.helloTimestamp})
      on conflict do nothing
      returning 1`;
    if (fresh.length === 0) return "replayed" as const;
    const [count] = await tx<{ live: number }[]>`
      select count(*)::int as live from mesh.presence
      where mesh_id = ${p.meshId} and disconnected_at is null`;
    if ((count?.live ?? 0) >= p.maxSessionsPerMesh) return "capacity" as const;

    let pending: { status: Status } | undefined;
    if (p.cwd !== null) {
      const applied = await tx<{ id: string; status: Status }[]>`
        update mesh.pending_status set applied_at = now()
        where applied_at is null and cwd = ${p.cwd}
          and (pid is null or ${p.pid}::int is null or pid = ${p.pid})
          and created_at > now() - make_interval(secs => ${p.pendingWindowSeconds})
        returning id, status`;
      pending = applied.sort((a, b) => Number(b.id) - Number(a.id))[0];
    }
    const [row] = await tx<Pick<PresenceRow, "id" | "status" | "statusSource" | "statusUpdatedAt">[]>`
      insert into mesh.presence
        (member_id, mesh_id, instance_id, session_id, pid, cwd, hook_token_hash, status, status_source)
      values (${p.memberId}, ${p.meshId}, ${p.instanceId}, ${p.sessionId}, ${p.pid}, ${p.cwd}, ${p.hookTokenHash},
              ${pending?.status ?? "idle"}, ${pending ? "hook" : "heartbeat"})
      returning id, status, status_source as "statusSource", status_updated_at as "statusUpdatedAt"`;
    if (!row) throw new Error("presence insert returned nothing");
    return {
      presenceId: row.id,
      status: row.status,
      statusSource: row.statusSource,
      statusUpdatedAt: row.statusUpdatedAt.getTime(),
      pendingApplied: pending !== undefined,
    };
  });
}
