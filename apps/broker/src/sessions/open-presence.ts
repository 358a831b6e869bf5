import type { PresenceRow, Sql } from "@mesh/db";
import type { Status, StatusSource } from "@mesh/shared";

/**
 * How long a session key stays its session's after the session ended: sends
 * to it still reach that member's next session (docs/protocol.md#session-keys),
 * and no other member may take it.
 */
export const SESSION_KEY_MEMORY_SECONDS = 24 * 60 * 60;

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
    /** The session's own key (claudemesh 1.x), if it has one. */
    sessionPubkey: string | null;
    /** The signed timestamp of the hello (ms). */
    helloTimestamp: number;
    /** The key that signed the hello: "" for the member's own, else the session key. */
    signerPubkey: string;
    /** Apply a tokenless hook's pending status (only `claudemesh` meshes take anonymous hooks). */
    applyPendingHooks: boolean;
    pid: number | null;
    cwd: string | null;
    hookTokenHash: string;
    maxSessionsPerMesh: number;
    maxSessionsPerMember: number;
    pendingWindowSeconds: number;
  },
): Promise<OpenedPresence | "capacity" | "member_capacity" | "replayed" | "session_key_taken"> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`mesh-capacity:${p.meshId}`}, 0))`;
    const fresh = await tx`
      insert into mesh.hello_seen (member_id, signer_pubkey, hello_timestamp)
      values (${p.memberId}, ${p.signerPubkey}, ${p.helloTimestamp})
      on conflict do nothing
      returning 1`;
    if (fresh.length === 0) return "replayed" as const;
    if (p.sessionPubkey !== null) {
      // A session key is addressed like a member key: it must not be, or shadow, someone else's.
      const taken = await tx`
        select 1 from mesh.member where mesh_id = ${p.meshId} and pubkey = ${p.sessionPubkey} and id <> ${p.memberId}
        union all
        select 1 from mesh.presence
        where mesh_id = ${p.meshId} and session_pubkey = ${p.sessionPubkey} and member_id <> ${p.memberId}
          and (disconnected_at is null or disconnected_at > now() - make_interval(secs => ${SESSION_KEY_MEMORY_SECONDS}))
        limit 1`;
      if (taken.length > 0) return "session_key_taken" as const;
    }
    const [count] = await tx<{ live: number; mine: number }[]>`
      select count(*)::int as live, count(*) filter (where member_id = ${p.memberId})::int as mine
      from mesh.presence
      where mesh_id = ${p.meshId} and disconnected_at is null`;
    if ((count?.live ?? 0) >= p.maxSessionsPerMesh) return "capacity" as const;
    // One member may not take the whole mesh's places.
    if ((count?.mine ?? 0) >= p.maxSessionsPerMember) return "member_capacity" as const;

    let pending: { status: Status } | undefined;
    if (p.cwd !== null && p.applyPendingHooks) {
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
        (member_id, mesh_id, instance_id, session_id, session_pubkey, pid, cwd, hook_token_hash, status, status_source)
      values (${p.memberId}, ${p.meshId}, ${p.instanceId}, ${p.sessionId}, ${p.sessionPubkey}, ${p.pid}, ${p.cwd},
              ${p.hookTokenHash}, ${pending?.status ?? "idle"}, ${pending ? "hook" : "heartbeat"})
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
