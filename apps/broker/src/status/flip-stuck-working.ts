import type { PresenceRow, Sql } from "@mesh/db";
import { notifyWake } from "../delivery/notify-wake.ts";

/** A presence the TTL sweep flipped to idle, and when (the database's clock). */
export type FlippedPresence = { presenceId: PresenceRow["id"] } & Pick<
  PresenceRow,
  "memberId" | "instanceId" | "statusUpdatedAt"
>;

/**
 * The TTL sweep: every live session in `working` for longer than
 * `ttlSeconds` becomes `idle` (source heartbeat). Returns the flipped
 * presences (with the database's clock) so their holders can release held
 * envelopes; those another instance than `origin` holds are woken at commit.
 */
export async function flipStuckWorking(sql: Sql, ttlSeconds: number, origin: string): Promise<FlippedPresence[]> {
  return sql.begin(async (tx) => {
    const flipped = await tx<FlippedPresence[]>`
      update mesh.presence
      set status = 'idle', status_source = 'heartbeat', status_updated_at = now()
      where disconnected_at is null and status = 'working'
        and status_updated_at < now() - make_interval(secs => ${ttlSeconds})
      returning id as "presenceId", member_id as "memberId", instance_id as "instanceId",
                status_updated_at as "statusUpdatedAt"`;
    const elsewhere = flipped.filter((f) => f.instanceId !== origin).map((f) => f.presenceId);
    await notifyWake(tx, origin, { presenceIds: elsewhere });
    return [...flipped];
  });
}
