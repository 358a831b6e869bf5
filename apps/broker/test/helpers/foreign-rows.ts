import type { Sql } from "@mesh/db";

/** Writes a registry row for another instance whose last heartbeat was `heartbeat` ago or ahead. */
export async function otherInstance(
  sql: Sql,
  id: string,
  heartbeat: "1 minute ago" | "fresh for an hour",
): Promise<void> {
  const at = heartbeat === "1 minute ago" ? sql`now() - interval '1 minute'` : sql`now() + interval '1 hour'`;
  await sql`insert into mesh.broker_instance (id, hostname, pid, version, heartbeat_at)
            values (${id}, 'elsewhere', 1, 'test', ${at})`;
}

/** A live presence row of `member` held by `instanceId`, as another broker would write it. */
export async function foreignPresence(
  sql: Sql,
  member: { id: string; meshId: string },
  instanceId: string,
  lastPing = sql`now()`,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into mesh.presence (member_id, mesh_id, instance_id, session_id, last_ping_at)
    values (${member.id}, ${member.meshId}, ${instanceId}, 's', ${lastPing}) returning id`;
  return String(row?.id);
}

/** Is this presence marked disconnected? */
export async function isDisconnected(sql: Sql, presenceId: string): Promise<boolean> {
  const [r] = await sql`select disconnected_at is not null as gone from mesh.presence where id = ${presenceId}`;
  return r?.gone === true;
}
