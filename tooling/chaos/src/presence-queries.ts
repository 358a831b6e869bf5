import type { Sql } from "@mesh/db";

/** Whose presences to count: one member's, or one broker instance's. */
export type PresenceOwner = { memberId: string } | { instanceId: string };

/** What the presence table says about a scenario's sessions. */
export const presenceQueries = {
  /** Presences not marked disconnected. */
  async live(sql: Sql, owner: PresenceOwner): Promise<number> {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from mesh.presence
      where ${"memberId" in owner ? sql`member_id = ${owner.memberId}` : sql`instance_id = ${owner.instanceId}`}
        and disconnected_at is null`;
    return row?.n ?? 0;
  },

  /** The broker instance that holds (or held) a presence. */
  async instanceOf(sql: Sql, presenceId: string): Promise<string | undefined> {
    const [row] = await sql<{ instanceId: string }[]>`
      select instance_id as "instanceId" from mesh.presence where id = ${presenceId}`;
    return row?.instanceId;
  },
};
